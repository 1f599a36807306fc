// The host lock against a "host" that is this machine's own sh in a temporary directory: real rename(2),
// real `date +%s`, concurrent laptops as concurrent calls.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '@shared/errors'
import { withHostLock, type HostLockOptions, type LockHost } from './host-lock'

/** Runs argv with real processes; `env` lets a test give the host a clock of its own (a `date` on PATH). */
function fakeHost(env: Record<string, string> = {}): LockHost & { calls: string[][] } {
  const calls: string[][] = []
  return {
    calls,
    exec: (argv) =>
      new Promise((done) => {
        calls.push([...argv])
        execFile(argv[0]!, argv.slice(1), { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
          done({ code, stdout, stderr })
        })
      }),
  }
}

const hostNow = (): number => Math.floor(Date.now() / 1000)
const options: HostLockOptions = { staleAfterSeconds: 900, busy: (owner) => new AppError('busy', `busy: ${owner}`, { details: { owner } }) }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// Real sh processes race here (eight rounds of two or three laptops): on a loaded machine that takes seconds, not the
// default 5 s of a unit test.
describe('withHostLock', { timeout: 60_000 }, () => {
  let dir: string
  let lock: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'host-lock-'))
    lock = join(dir, '.shopmanager-lock')
  })
  afterEach(() => {
    vi.useRealTimers()
    rmSync(dir, { recursive: true, force: true })
  })

  const leftovers = () => readdirSync(dir)

  it('takes a free lock, runs, and leaves nothing behind', async () => {
    const host = fakeHost()
    const seen = await withHostLock(host, lock, 'Ann', async () => readFileSync(join(lock, 'owner'), 'utf8'), options)
    const [token, since, owner] = seen.trim().split('\n')
    expect(token).toMatch(/^[0-9a-f]{24}$/)
    expect(Math.abs(Number(since) - hostNow())).toBeLessThan(5)
    expect(owner).toBe('Ann')
    expect(leftovers()).toEqual([])
  })

  it('passes input only as argv: an owner with quotes, $() and newlines is written as one plain line', async () => {
    const host = fakeHost()
    const owner = `Bob "$(touch ${join(dir, 'pwned')})" 'x'\nsecond`
    const seen = await withHostLock(host, lock, owner, async () => readFileSync(join(lock, 'owner'), 'utf8'), options)
    expect(seen.trim().split('\n')[2]).toBe(`Bob "$(touch ${join(dir, 'pwned')})" 'x' second`)
    expect(existsSync(join(dir, 'pwned'))).toBe(false)
  })

  it('of two laptops taking at once, exactly one runs; the other is told who holds it', async () => {
    for (let round = 0; round < 8; round++) {
      let running = 0
      let overlapped = false
      const attempt = (who: string) =>
        withHostLock(
          fakeHost(),
          lock,
          who,
          async () => {
            running++
            if (running > 1) overlapped = true
            await sleep(250)
            running--
            return who
          },
          options,
        ).then(
          (value) => ({ ok: true as const, value }),
          (error: AppError) => ({ ok: false as const, error }),
        )
      const results = await Promise.all([attempt('Ann'), attempt('Bob')])
      expect(overlapped).toBe(false)
      const won = results.filter((r) => r.ok)
      const lost = results.filter((r) => !r.ok)
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      expect(lost[0]!.error).toMatchObject({ code: 'busy', details: { owner: won[0]!.value } })
      expect(leftovers()).toEqual([])
    }
  })

  it('a lock whose owner file is still empty (being written) is busy, not stale', async () => {
    mkdirSync(lock)
    writeFileSync(join(lock, 'owner'), '')
    const run = vi.fn(async () => 'ran')
    await expect(withHostLock(fakeHost(), lock, 'Ann', run, options)).rejects.toMatchObject({ code: 'busy', details: { owner: '' } })
    expect(run).not.toHaveBeenCalled()
    expect(existsSync(lock)).toBe(true)
  })

  it("an empty lock directory (an older laptop's, or one without owner file) is busy while young", async () => {
    mkdirSync(lock)
    await expect(withHostLock(fakeHost(), lock, 'Ann', async () => 'ran', options)).rejects.toMatchObject({ code: 'busy' })
    expect(existsSync(lock)).toBe(true)
  })

  it('an unreadable owner file is busy while the lock directory is young', async () => {
    mkdirSync(lock)
    writeFileSync(join(lock, 'owner'), 'garbage')
    await expect(withHostLock(fakeHost(), lock, 'Ann', async () => 'ran', options)).rejects.toMatchObject({ code: 'busy' })
  })

  it('an ownerless lock whose directory is older than the limit (host clock) is taken over', async () => {
    mkdirSync(lock)
    writeFileSync(join(lock, 'owner'), '')
    const old = new Date((hostNow() - 1000) * 1000)
    utimesSync(lock, old, old)
    expect(await withHostLock(fakeHost(), lock, 'Ann', async () => readFileSync(join(lock, 'owner'), 'utf8'), options)).toContain('\nAnn')
    expect(leftovers()).toEqual([])
  })

  it('a lock left by a crashed laptop, older than the limit, is taken over; a younger one is busy with its owner', async () => {
    mkdirSync(lock)
    writeFileSync(join(lock, 'owner'), `deadbeef\n${hostNow() - 899 + 5}\nCrashed Carl\n`)
    await expect(withHostLock(fakeHost(), lock, 'Ann', async () => 'ran', options)).rejects.toMatchObject({ details: { owner: 'Crashed Carl' } })
    writeFileSync(join(lock, 'owner'), `deadbeef\n${hostNow() - 901}\nCrashed Carl\n`)
    expect(await withHostLock(fakeHost(), lock, 'Ann', async () => 'ran', options)).toBe('ran')
    expect(leftovers()).toEqual([])
  })

  it('a stale lock raced by two laptops: exactly one takes it over and runs', async () => {
    for (let round = 0; round < 8; round++) {
      mkdirSync(lock)
      writeFileSync(join(lock, 'owner'), `deadbeef\n${hostNow() - 5000}\nCrashed Carl\n`)
      let running = 0
      let overlapped = false
      const attempt = (who: string) =>
        withHostLock(
          fakeHost(),
          lock,
          who,
          async () => {
            running++
            if (running > 1) overlapped = true
            await sleep(250)
            running--
            return who
          },
          options,
        ).then(
          (value) => ({ ok: true as const, value }),
          (error: AppError) => ({ ok: false as const, error }),
        )
      const results = await Promise.all([attempt('Ann'), attempt('Bob'), attempt('Cem')])
      expect(overlapped).toBe(false)
      for (const r of results) if (!r.ok) expect(r.error.code).toBe('busy')
      expect(results.filter((r) => r.ok)).toHaveLength(1)
      expect(leftovers()).toEqual([])
    }
  })

  it('a takeover that died half-way (its claim left in the stale lock) blocks others only until the claim is stale too', async () => {
    mkdirSync(lock)
    writeFileSync(join(lock, 'owner'), `deadbeef\n${hostNow() - 5000}\nCrashed Carl\n`)
    mkdirSync(join(lock, 'takeover'))
    await expect(withHostLock(fakeHost(), lock, 'Ann', async () => 'ran', options)).rejects.toMatchObject({ code: 'busy' })
    const old = new Date((hostNow() - 1000) * 1000)
    utimesSync(join(lock, 'takeover'), old, old)
    expect(await withHostLock(fakeHost(), lock, 'Ann', async () => 'ran', options)).toBe('ran')
    expect(leftovers()).toEqual([])
  })

  it("judges age on the host's clock only: a laptop an hour off neither takes over a fresh lock nor waits on a stale one", async () => {
    // The host's clock is a fixed `date` on its PATH, far from this laptop's.
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    const hostClock = 2_000_000_000
    writeFileSync(join(bin, 'date'), `#!/bin/sh\n[ "$1" = +%s ] && { echo ${hostClock}; exit 0; }\nexec /bin/date "$@"\n`)
    chmodSync(join(bin, 'date'), 0o755)
    const host = fakeHost({ PATH: `${bin}:${process.env['PATH'] ?? ''}` })
    const inside = join(dir, 'shop')
    mkdirSync(inside)
    const shopLock = join(inside, '.shopmanager-lock')
    mkdirSync(shopLock)
    writeFileSync(join(shopLock, 'owner'), `deadbeef\n${hostClock - 60}\nDora\n`)
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date((hostClock + 3600) * 1000))
    await expect(withHostLock(host, shopLock, 'Ann', async () => 'ran', options)).rejects.toMatchObject({ details: { owner: 'Dora' } })
    vi.setSystemTime(new Date((hostClock - 3600) * 1000))
    writeFileSync(join(shopLock, 'owner'), `deadbeef\n${hostClock - 1000}\nDora\n`)
    expect(await withHostLock(host, shopLock, 'Ann', async () => 'ran', options)).toBe('ran')
  })

  it('releases only its own lock: one taken over meanwhile by another laptop stays', async () => {
    const host = fakeHost()
    await withHostLock(
      host,
      lock,
      'Ann',
      async () => {
        writeFileSync(join(lock, 'owner'), `otherstoken\n${hostNow()}\nBob\n`)
      },
      options,
    )
    expect(readFileSync(join(lock, 'owner'), 'utf8')).toContain('Bob')
  })

  it("releases after a failed run, and the run's error is what the caller sees", async () => {
    await expect(
      withHostLock(
        fakeHost(),
        lock,
        'Ann',
        async () => {
          throw new Error('compose failed')
        },
        options,
      ),
    ).rejects.toThrow('compose failed')
    expect(leftovers()).toEqual([])
  })

  it('an answer it cannot read is an error, never a lock taken over', async () => {
    const mute: LockHost = { exec: async () => ({ code: 0, stdout: '', stderr: '' }) }
    await expect(withHostLock(mute, lock, 'Ann', async () => 'ran', options)).rejects.toMatchObject({ code: 'internal' })
    const failing: LockHost = { exec: async () => ({ code: 255, stdout: '', stderr: 'connection lost' }) }
    await expect(withHostLock(failing, lock, 'Ann', async () => 'ran', options)).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('connection lost'),
    })
  })

  it('a lock directory whose parent is missing is an error, not busy and not taken', async () => {
    await expect(withHostLock(fakeHost(), join(dir, 'nope', 'lock'), 'Ann', async () => 'ran', options)).rejects.toMatchObject({ code: 'internal' })
  })
})
