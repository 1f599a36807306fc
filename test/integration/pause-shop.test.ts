// The freeze for a consistent copy: only services that can write to the copied volumes are paused (a reader that
// mounts them read-only, like nginx serving static files, keeps answering), and a paused service counts as back
// as soon as it runs again, without waiting for Docker's next health probe.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { HostSession } from '../../src/main/host/host-session'
import { listProjectContainers } from '../../src/main/engine/compose/containers'
import { freezeShop } from '../../src/main/engine/compose/freeze'
import { guardPause, keepAliveTiming } from '../../src/main/engine/compose/pause-guard'
import { cuttableLink } from './support/cuttable-link'
import { shopBed, type ShopBed } from './support/shop-bed'
import { dockerOf } from '../../src/main/engine/compose/docker-client'

const info = inject('testbed')
const project = 'pausetest'
const volume = `${project}_data`

describe('pausing a shop for a copy', () => {
  let bed: ShopBed
  let session: HostSession
  const state = (service: string) => bed.docker('inspect', '-f', '{{.State.Status}} {{.State.Health.Status}}', `${project}-${service}`)
  const service = (name: string, mount: string) =>
    bed.docker(
      'run',
      '-d',
      '--name',
      `${project}-${name}`,
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      `com.docker.compose.service=${name}`,
      '-v',
      mount,
      '--health-cmd',
      'true',
      '--health-interval',
      '2s',
      '--health-retries',
      '3',
      info.image,
      'sleep',
      '600',
    )

  beforeAll(async () => {
    bed = shopBed(info, 'pause')
    bed.docker('volume', 'create', volume)
    service('db', `${volume}:/data`)
    service('nginx', `${volume}:/srv:ro`)
    const deadline = Date.now() + 20_000
    while (`${state('db')} ${state('nginx')}` !== 'running healthy running healthy' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
    session = bed.session()
  })
  afterAll(() => {
    bed?.docker('rm', '-f', `${project}-db`, `${project}-nginx`)
    bed?.docker('volume', 'rm', '-f', volume)
    bed?.cleanup()
  })

  it('pauses the writer only; the read-only reader keeps running and healthy', async () => {
    const paused = await freezeShop(dockerOf(session), project, [volume], (ids) => guardPause(session, ids))
    try {
      expect(paused.paused).toBe(1)
      expect(state('db')).toBe('paused unhealthy')
      expect(state('nginx')).toBe('running healthy')
    } finally {
      // Docker now says "unhealthy" until its next probe; back means running with no failed probe.
      const started = Date.now()
      let marked = false
      expect(await paused.resume(() => (marked = true))).toEqual({ key: 'runningAgain' })
      expect(marked).toBe(true)
      expect(Date.now() - started).toBeLessThan(1500)
    }
    // Docker still says unhealthy until its next probe; the overview shows the service as being checked, not failed.
    const listed = async () => ((await listProjectContainers(dockerOf(session), project)).get(project) ?? []).find((c) => c.service === 'db')
    expect(state('db')).toBe('running unhealthy')
    expect(await listed()).toMatchObject({ state: 'running', health: 'starting', light: 'yellow' })
    await expect.poll(() => state('db'), { timeout: 10_000, interval: 200 }).toBe('running healthy')
    expect(await listed()).toMatchObject({ health: 'healthy', light: 'green' })
  })

  it('without a list of volumes, every running service is paused', async () => {
    const paused = await freezeShop(dockerOf(session), project, undefined, (ids) => guardPause(session, ids))
    expect(paused.paused).toBe(2)
    expect(await paused.resume()).toEqual({ key: 'runningAgain' })
  })

  it('is undone by the host itself when the connection drops: the writer runs again without the laptop', async () => {
    const link = await cuttableLink(info.ssh.port)
    const cutOff = bed.session({ port: link.port })
    try {
      await freezeShop(dockerOf(cutOff), project, [volume], (ids) => guardPause(cutOff, ids))
      expect(state('db')).toMatch(/^paused/)
      const cut = Date.now()
      // The link stays down: nothing from this laptop can unpause it.
      link.cut()
      await expect.poll(() => state('db').split(' ')[0], { timeout: keepAliveTiming.deadAfterMs + 5000, interval: 100 }).toBe('running')
      // sshd sees the close at once, so the host does not even wait for the keep-alive budget.
      expect(Date.now() - cut).toBeLessThan(keepAliveTiming.deadAfterMs)
    } finally {
      cutOff.close()
      await link.close()
    }
  })

  it('is undone by the host when the heartbeats stop on a link that only hangs', async () => {
    const frozen = await freezeShop(dockerOf(session), project, [volume], (ids) => guardPause(session, ids, { heartbeatMs: 60_000, deadAfterMs: 2000 }))
    try {
      expect(state('db')).toMatch(/^paused/)
      // No heartbeat within 2 s: the guard on the host unpauses, though the connection itself is fine.
      await expect.poll(() => state('db').split(' ')[0], { timeout: 8000, interval: 100 }).toBe('running')
    } finally {
      await frozen.resume()
    }
  })
})
