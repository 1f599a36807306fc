import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '@shared/errors'
import type { HelperHandler } from '../engine/fake/fake-runtime'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import type { FakeStore } from '../engine/fake/fake-store'
import { startBackup } from './backup-shop'
import { uploadBackup } from './backup-transfer'

const HOUR = 60 * 60_000
const CRC = '3158254215'
/** An upload made before CRCs: its checksum a sha512. */
const SHA = 'cd'.repeat(64)

/** Archives report their checksum and size, a check passes unless the test says which file fails. */
function helper(failing: string[] = []): HelperHandler {
  return async (_image, run) => {
    if (run.what.startsWith('Archiving')) {
      run.onLine?.(`crc ${CRC}`)
      run.onLine?.('size 4096')
    }
    if (run.what === 'Checking the archives' && failing.length > 0) {
      for (const file of failing) run.onLine?.(`${file}: FAILED`)
      throw new AppError('internal', 'Checking the archives failed (exit 1)')
    }
  }
}

async function withShop(keep = 3): Promise<FakeLifecycle & { clock: { now: number } }> {
  const clock = { now: Date.parse('2026-11-22T12:00:00Z') }
  const life = fakeLifecycle({ now: () => clock.now })
  life.deps.keep = keep
  await life.plantShop('alt')
  life.host.runtime.helper = helper()
  return Object.assign(life, { clock })
}

const backupsDir = (life: FakeLifecycle): string => posix.join(life.host.store.dir('alt'), 'backups')
const ids = async (life: FakeLifecycle): Promise<string[]> => (await life.host.store.backups('alt')).map((b) => b.id)
const prune = (life: FakeLifecycle, keep: number, spare: string[] = []): Promise<void> =>
  life.host.store.withLock('alt', 'bob', () => life.host.store.pruneBackups('alt', keep, spare))

afterEach(() => void vi.useRealTimers())

describe('pruning backups', () => {
  it('keeps the newest by time across old and new ids, and spares what is still being written or uploaded', async () => {
    const life = await withShop()
    for (const id of ['2026-11-22T10-00-00Z', '2026-11-22T10-00-00-500Z-aaaa', '2026-11-22T11-00-00-001Z-0001', '2026-11-22T09-59-59Z']) {
      await life.plantBackup('alt', id)
    }
    await life.plantBackup('alt', '2026-11-22T11-59-00-000Z-beef', { complete: false })
    await life.host.store.makeNewDir(posix.join(backupsDir(life), '.upload-2026-01-01T00-00-00Z-0123456789ab'))
    await prune(life, 2)
    expect(await ids(life)).toEqual(['2026-11-22T11-00-00-001Z-0001', '2026-11-22T10-00-00Z'])
    expect(life.host.store.entriesIn(backupsDir(life)).filter((p) => !p.includes('/'))).toEqual([
      '.upload-2026-01-01T00-00-00Z-0123456789ab',
      '2026-11-22T10-00-00Z',
      '2026-11-22T11-00-00-001Z-0001',
      '2026-11-22T11-59-00-000Z-beef',
    ])
  })

  it('removes a half-written backup and an upload only once they are six hours old', async () => {
    const life = await withShop()
    await life.plantBackup('alt', '2026-11-22T11-00-00-000Z-0000')
    await life.plantBackup('alt', '2026-11-22T11-30-00-000Z-dead', { complete: false })
    await life.host.store.makeNewDir(posix.join(backupsDir(life), '.upload-2026-11-20T00-00-00Z-0123456789ab'))
    life.clock.now += 6 * HOUR - 60_000
    await prune(life, 1)
    expect(life.host.store.entriesIn(backupsDir(life)).filter((p) => !p.includes('/'))).toHaveLength(3)
    life.clock.now += 2 * 60_000
    await prune(life, 1)
    expect(life.host.store.entriesIn(backupsDir(life)).filter((p) => !p.includes('/'))).toEqual(['2026-11-22T11-00-00-000Z-0000'])
  })

  it('a just finished backup named in spare stays, and counts toward keep', async () => {
    const life = await withShop()
    await life.plantBackup('alt', '2026-11-22T11-00-00-000Z-0002')
    await life.plantBackup('alt', '2026-11-22T10-00-00-000Z-0001')
    await prune(life, 1, ['2026-11-22T10-00-00-000Z-0001'])
    expect(await ids(life)).toEqual(['2026-11-22T11-00-00-000Z-0002', '2026-11-22T10-00-00-000Z-0001'])
    await prune(life, 1)
    expect(await ids(life)).toEqual(['2026-11-22T11-00-00-000Z-0002'])
  })

  it('is refused without the shop’s lock, and removes nothing', async () => {
    const life = await withShop()
    for (const id of ['2026-11-22T10-00-00Z', '2026-11-22T11-00-00Z']) await life.plantBackup('alt', id)
    await expect(life.host.store.pruneBackups('alt', 1, [])).rejects.toThrow(/lock/)
    expect(await ids(life)).toHaveLength(2)
  })

  it('does not list an upload in progress as a backup, even once its manifest is written', async () => {
    const life = await withShop()
    const upload = posix.join(backupsDir(life), '.upload-2026-11-22T11-00-00Z-0123456789ab')
    await life.host.store.writeFiles(upload, [{ path: 'manifest.json', content: '{"id":"2026-11-22T11-00-00Z"}\n', mode: 0o644 }])
    expect(await ids(life)).toEqual([])
    await prune(life, 1)
    expect(life.host.store.exists(upload)).toBe(true)
  })
})

describe('backups that meet', () => {
  it('two backups started in the same millisecond are two backups', async () => {
    const life = await withShop()
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-22T12:00:00.042Z') })
    const [first, second] = await Promise.all([
      startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps).done,
      startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps).done,
    ])
    vi.useRealTimers()
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded'])
    expect(first.result?.backupId).toMatch(/^2026-11-22T12-00-00-042Z-[0-9a-f]{4}$/)
    expect(second.result?.backupId).toMatch(/^2026-11-22T12-00-00-042Z-[0-9a-f]{4}$/)
    expect(first.result?.backupId).not.toBe(second.result?.backupId)
    expect((await ids(life)).sort()).toEqual([first.result?.backupId, second.result?.backupId].sort())
    for (const id of await ids(life)) expect(life.host.store.exists(posix.join(backupsDir(life), id!, 'manifest.json'))).toBe(true)
  })

  it('a prune between a backup reserving its folder and taking the lock spares the folder; the backup then completes', async () => {
    const life = await withShop(3)
    await life.plantBackup('alt', '2026-11-22T11-00-00-000Z-0001')
    await life.plantBackup('alt', '2026-11-22T10-00-00-000Z-0000')
    // The backup stops just before it asks for the shop's lock; its folder is reserved and empty.
    let arrived!: () => void
    let letGo!: () => void
    const reached = new Promise<void>((resolve) => (arrived = resolve))
    const go = new Promise<void>((resolve) => (letGo = resolve))
    const store = new Proxy(life.host.store, {
      get: (target, key) =>
        key === 'withLock'
          ? async (...args: Parameters<FakeStore['withLock']>) => {
              arrived()
              await go
              return target.withLock(...args)
            }
          : Reflect.get(target, key, target),
    })
    const engine = new Proxy(life.host, { get: (target, key) => (key === 'store' ? store : Reflect.get(target, key, target)) })
    const started = startBackup({ hostId: life.host.hostId, shop: 'alt' }, { ...life.deps, engine: async () => engine })
    await reached
    const [reserved] = life.host.store.entriesIn(backupsDir(life)).filter((p) => !p.includes('/') && !p.startsWith('2026-11-22T1'))
    expect(reserved).toBeDefined()
    await prune(life, 1)
    expect(await ids(life)).toEqual(['2026-11-22T11-00-00-000Z-0001'])
    expect(life.host.store.exists(posix.join(backupsDir(life), reserved!))).toBe(true)
    letGo()
    const final = await started.done
    expect(final.status).toBe('succeeded')
    expect(final.result?.backupId).toBe(reserved)
    expect(await ids(life)).toEqual([reserved, '2026-11-22T11-00-00-000Z-0001'])
  })
})

describe('uploading a backup', () => {
  let folder: string | undefined
  afterEach(() => void (folder && rmSync(folder, { recursive: true, force: true })))

  function downloaded(manifest: Record<string, unknown>, files: Record<string, string>): string {
    folder = mkdtempSync(join(tmpdir(), 'upload-'))
    for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content)
    writeFileSync(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    return folder
  }

  const manifest = (extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Record<string, unknown> => ({
    id: '2026-11-22T11-00-00-000Z-0001',
    shop: 'quelle',
    template: 'busybox',
    domain: 'quelle.shops.example',
    createdAt: '2026-11-22T11:00:00.000Z',
    createdBy: 'anna',
    volumes: [{ key: 'data', volume: 'quelle_data', file: 'data.tar', bytes: 3, sha512: SHA, ...extra }],
    images: { web: '198.18.0.1:5443/shopmgr/busybox:test' },
    ...top,
  })

  it('whose checksums differ is refused and leaves nothing on the host', async () => {
    const life = await withShop()
    life.host.runtime.helper = helper(['data.tar'])
    const local = downloaded(manifest(), { 'data.tar': 'tar' })
    const refused = await uploadBackup(life.host, 'alt', local, 'busybox', () => undefined).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'invalid_input', say: { key: 'uploadDamaged', values: { id: '2026-11-22T11-00-00-000Z-0001' } } })
    expect(life.host.store.entriesIn(backupsDir(life))).toEqual([])
    expect(await ids(life)).toEqual([])
  })

  it('moves the second archive a volume lists, and keeps the manifest as it was downloaded', async () => {
    const life = await withShop()
    const changes = { file: 'data.changes.tar', bytes: 7, sha512: 'ef'.repeat(64) }
    const local = downloaded(manifest({ changes }, { note: 'a field this version does not know' }), { 'data.tar': 'tar', 'data.changes.tar': 'changes' })
    await uploadBackup(life.host, 'alt', local, 'busybox', () => undefined)
    const dir = posix.join(backupsDir(life), '2026-11-22T11-00-00-000Z-0001')
    expect(life.host.store.entriesIn(backupsDir(life))).toEqual([
      '2026-11-22T11-00-00-000Z-0001',
      '2026-11-22T11-00-00-000Z-0001/data.changes.tar',
      '2026-11-22T11-00-00-000Z-0001/data.tar',
      '2026-11-22T11-00-00-000Z-0001/manifest.json',
    ])
    expect(life.host.store.fileAt(posix.join(dir, 'data.changes.tar'))).toBe('changes')
    expect(life.host.store.fileAt(posix.join(dir, 'manifest.json'))).toBe(readFileSync(join(local, 'manifest.json'), 'utf8'))
    const check = life.host.runtime.helperRuns.find((r) => r.run.what === 'Checking the archives')
    expect(check?.run.mounts[0]?.source).toMatch(/\/backups\/\.upload-2026-11-22T11-00-00-000Z-0001-[0-9a-f]{12}$/)
  })

  it('lacking the second archive its manifest lists is refused before anything is written', async () => {
    const life = await withShop()
    const local = downloaded(manifest({ changes: { file: 'data.changes.tar', bytes: 7, sha512: 'ef'.repeat(64) } }), { 'data.tar': 'tar' })
    await expect(uploadBackup(life.host, 'alt', local, 'busybox', () => undefined)).rejects.toMatchObject({ say: { key: 'backupIncomplete' } })
    expect(life.host.store.exists(backupsDir(life))).toBe(false)
  })
})
