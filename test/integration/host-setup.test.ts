// Host setup on the test bed, with Traefik's image replaced by a local test image (no public registry here): the base
// directory, the proxy network, the stack's files with their modes, a stack that starts and passes
// `compose config`; a second run changes nothing; a change shows its diff first; autostart needs root.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { HostSession } from '../../src/main/host/host-session'
import { openHostSession } from '../../src/main/host/host-session'
import { applyHostSetup, planHostSetup, STACK_PROJECT, type HostSetupInput } from '../../src/main/host-setup/host-setup'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'
import { key, testbedProfile } from './support/hosts'
import { buildFakeTraefik, freePort } from '../support/fake-traefik'

const info = inject('testbed')
const env = { ...process.env, DOCKER_HOST: info.dockerHost }
const docker = (...args: string[]) => execFileSync('docker', args, { env, encoding: 'utf8' }).trim()
const source = resolve(import.meta.dirname, '../../traefik')
const parent = join(info.ssh.baseDir, `setup-${process.pid}`)
const base = join(parent, 'opt-docker')
const token = 'hz-test-token-0123456789'

describe('host setup with a stand-in for the Traefik image', () => {
  let session: HostSession
  let input: HostSetupInput

  beforeAll(async () => {
    const image = buildFakeTraefik(info)
    execFileSync('mkdir', ['-p', parent])
    execFileSync('chown', [`${info.ssh.user}:`, parent])
    session = openHostSession(testbedProfile(info, { baseDir: base }), { privateKey: key(info.ssh.keys.ed25519) })
    input = {
      acmeEmail: 'ops@shops.test',
      mode: 'wildcard',
      shopDomain: 'shops.test',
      hetznerToken: token,
      image,
      listen: { address: '127.0.0.1', http: await freePort(), https: await freePort() },
      autostart: false,
    }
  })
  afterAll(() => {
    try {
      execFileSync('docker-compose', ['-p', STACK_PROJECT, 'down', '-v', '-t', '1'], { cwd: join(base, 'traefik'), env, stdio: 'ignore' })
    } catch {
      // never started
    }
    session?.close()
    rmSync(parent, { recursive: true, force: true })
  })

  it('plans the directory, every file (with a diff, never the token), and the start; changes nothing yet', async () => {
    const plan = await planHostSetup(session, composeEngine(session), source, input)
    const kinds = plan.changes.map((c) => `${c.kind}:${c.action}:${c.target.replace(base, '<base>')}`)
    expect(kinds).toEqual(
      expect.arrayContaining([
        'directory:create:<base>',
        'file:create:<base>/traefik/docker-compose.yml',
        'file:create:<base>/traefik/traefik.yml',
        'file:create:<base>/traefik/dynamic/security.yml',
        'file:create:<base>/traefik/hetzner_token',
        'stack:start:traefik',
      ]),
    )
    expect(plan.changes.find((c) => c.target.endsWith('traefik.yml'))?.diff).toContain('+      email: ops@shops.test')
    expect(plan.changes.find((c) => c.target.endsWith('hetzner_token'))?.diff).toBeUndefined()
    expect(JSON.stringify(plan.changes)).not.toContain(token)
    expect(existsSync(base)).toBe(false)
  })

  it('applies: files with their modes, the proxy network, a running stack that compose accepts', async () => {
    const outcome = await applyHostSetup(session, composeEngine(session), await planHostSetup(session, composeEngine(session), source, input))
    expect(outcome.skipped).toEqual([])
    expect(outcome.verified).toEqual({ ok: true, detail: 'traefik: healthy' })
    const dir = join(base, 'traefik')
    expect(statSync(join(dir, 'hetzner_token')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'traefik.yml')).mode & 0o777).toBe(0o644)
    expect(readFileSync(join(dir, 'hetzner_token'), 'utf8')).toBe(`${token}\n`)
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).not.toContain(token)
    expect(docker('network', 'ls', '-q', '--filter', 'name=^proxy$')).not.toBe('')
    execFileSync('docker-compose', ['-p', STACK_PROJECT, 'config', '-q'], { cwd: dir, env })
    const id = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${STACK_PROJECT}`, '--filter', 'label=com.docker.compose.service=traefik')
    await expect.poll(() => docker('inspect', '-f', '{{.State.Status}}', id), { timeout: 15_000 }).toBe('running')
    const page = await fetch(`http://127.0.0.1:${input.listen!.http}/`).then((r) => r.text())
    expect(page.trim()).toBe('fake-traefik')
  })

  it('a second run on the set-up host changes nothing', async () => {
    const id = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${STACK_PROJECT}`)
    const plan = await planHostSetup(session, composeEngine(session), source, input)
    expect(plan.changes).toEqual([])
    expect(await applyHostSetup(session, composeEngine(session), plan)).toEqual({
      applied: [],
      skipped: [],
      verified: { ok: true, detail: 'traefik: healthy' },
    })
    expect(docker('ps', '-q', '--filter', `label=com.docker.compose.project=${STACK_PROJECT}`)).toBe(id)
  })

  it('a new e-mail and token show as a diff of traefik.yml and a changed token file, then apply', async () => {
    const changed = { ...input, acmeEmail: 'it@shops.test', hetznerToken: 'hz-new-token-987654321' }
    const plan = await planHostSetup(session, composeEngine(session), source, changed)
    expect(plan.changes.map((c) => `${c.kind}:${c.action}:${c.target.split('/').pop()}`)).toEqual([
      'file:update:traefik.yml',
      'file:update:hetzner_token',
      'stack:start:traefik',
    ])
    expect(plan.changes[0]?.diff).toMatch(/-\s+email: ops@shops\.test\n\+\s+email: it@shops\.test/)
    expect(JSON.stringify(plan.changes)).not.toContain('hz-new-token')
    const before = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${STACK_PROJECT}`)
    expect((await applyHostSetup(session, composeEngine(session), plan)).verified.ok).toBe(true)
    expect(readFileSync(join(base, 'traefik', 'hetzner_token'), 'utf8')).toBe('hz-new-token-987654321\n')
    // Traefik reads traefik.yml only when it starts: the container is a new one.
    expect(docker('ps', '-q', '--filter', `label=com.docker.compose.project=${STACK_PROJECT}`)).not.toBe(before)
    expect((await planHostSetup(session, composeEngine(session), source, changed)).changes).toEqual([])
  })

  it('autostart is planned with its unit, and skipped with the reason where the login is not root', async () => {
    const plan = await planHostSetup(session, composeEngine(session), source, {
      ...input,
      acmeEmail: 'it@shops.test',
      hetznerToken: 'hz-new-token-987654321',
      autostart: true,
    })
    expect(plan.changes.map((c) => c.kind)).toEqual(['autostart'])
    expect(plan.changes[0]?.diff).toContain(`+WorkingDirectory=${join(base, 'traefik')}`)
    const outcome = await applyHostSetup(session, composeEngine(session), plan)
    expect(outcome.skipped).toEqual([{ change: plan.changes[0], code: 'needs_root', reason: 'needs root or password-less sudo on the host' }])
  })
})
