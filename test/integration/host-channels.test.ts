// The one connection under load: channel bound below MaxSessions, timeouts, cancel, draining on recycle.
import { afterEach, describe, expect, inject, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { key, testbedProfile } from './support/hosts'
import { dockerOf } from '../../src/main/engine/compose/docker-client'

const info = inject('testbed')
const sessions: HostSession[] = []
afterEach(() => {
  for (const session of sessions.splice(0)) session.close()
})

function open(): HostSession {
  const session = openHostSession(testbedProfile(info), { privateKey: key(info.ssh.keys.ed25519) })
  sessions.push(session)
  return session
}

describe('one SSH connection shared by many operations', () => {
  it('runs 30 commands at once although sshd allows 10 sessions per connection', async () => {
    const session = open()
    let peak = 0
    const runs = Array.from({ length: 30 }, async (_, i) => {
      const result = await session.exec(['sh', '-c', 'sleep 0.2; echo "$1"', 'sh', String(i)])
      peak = Math.max(peak, session.ssh!.channelsInUse)
      return result.stdout.trim()
    })
    const outputs = await Promise.all(runs)
    expect(outputs).toEqual(Array.from({ length: 30 }, (_, i) => String(i)))
    expect(peak).toBeLessThanOrEqual(8)
  })

  it('never makes a command wait behind open Docker streams (forwards are not sshd sessions)', async () => {
    const session = open()
    const streams = await Promise.all(Array.from({ length: 12 }, () => session.ssh!.openUnixSocket(info.dockerSocket)))
    try {
      const started = performance.now()
      const result = await session.exec(['echo', 'not starved'], { timeoutMs: 5000 })
      expect(result.stdout.trim()).toBe('not starved')
      expect(performance.now() - started).toBeLessThan(2000)
    } finally {
      for (const stream of streams) stream.destroy()
    }
  })

  it('serves Docker calls and commands side by side on the same connection', async () => {
    const session = open()
    const [containers, id] = await Promise.all([dockerOf(session).listContainers(), session.exec(['id', '-un']), dockerOf(session).version()])
    expect(Array.isArray(containers)).toBe(true)
    expect(id.stdout.trim()).toBe(info.ssh.user)
  })

  it('reuses Docker channels across many calls without piling up listeners', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`)
    process.on('warning', onWarning)
    try {
      const session = open()
      for (let i = 0; i < 60; i++) await dockerOf(session).listContainers()
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([])
      // Keep-alive: a few forwards reused for 60 calls, and none of them counted as an sshd session.
      expect(session.ssh!.forwardsOpen).toBeLessThanOrEqual(4)
      expect(session.ssh!.channelsInUse).toBe(0)
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('times out a command that takes too long and stops it on the host', async () => {
    const session = open()
    // A sleep with a duration of its own, to find exactly this process on the host afterwards.
    const duration = `29.${process.pid}`
    const error = await session.exec(['sleep', duration], { timeoutMs: 500 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('timeout')
    // Nothing is left running on the host, and the connection stays usable.
    await expect
      .poll(async () => (await session.exec(['sh', '-c', `ps -eo args | grep -c '^[s]leep ${duration}$' || true`])).stdout.trim(), { timeout: 3000 })
      .toBe('0')
    expect((await session.exec(['echo', 'still here'])).stdout.trim()).toBe('still here')
  })

  it('cancels a command on request', async () => {
    const session = open()
    const controller = new AbortController()
    const duration = `28.${process.pid}`
    const running = session.exec(['sleep', duration], { signal: controller.signal })
    setTimeout(() => controller.abort(), 200)
    const error = await running.catch((e: unknown) => e)
    expect((error as AppError).code).toBe('cancelled')
    await expect
      .poll(async () => (await session.exec(['sh', '-c', `ps -eo args | grep -c '^[s]leep ${duration}$' || true`])).stdout.trim(), { timeout: 3000 })
      .toBe('0')
  })

  it('lets in-flight work finish when the connection is recycled', async () => {
    const session = open()
    await session.ssh!.connect()
    const slow = session.exec(['sh', '-c', 'sleep 1; echo finished'])
    await new Promise((resolve) => setTimeout(resolve, 200))
    await session.ssh!.recycle()
    const fresh = await session.exec(['echo', 'new session'])
    expect(fresh.stdout.trim()).toBe('new session')
    expect((await slow).stdout.trim()).toBe('finished')
  })
})
