// Backup housekeeping on the test bed: ids that stay apart within one second, a prune by a second laptop while a
// backup runs, the prune's rules on the host's own sh, find and sort, and an upload whose checksums differ.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { backupArchives, type BackupManifest } from '../../src/shared/backups'
import type { HostSession } from '../../src/main/host/host-session'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'
import type { ShopEngine } from '../../src/main/engine/shop-engine'
import type { ShopRuntime } from '../../src/main/engine/shop-runtime'
import type { ShopFile, ShopStore } from '../../src/main/engine/shop-store'
import { startBackup, type BackupDeps } from '../../src/main/shops/backup-shop'
import { reserveBackupId } from '../../src/main/shops/backup-id'
import { downloadBackup, uploadBackup } from '../../src/main/shops/backup-transfer'
import { cksumOf } from '../support/cksum'
import { shopBed, type ShopBed } from './support/shop-bed'

const info = inject('testbed')
const shop = 'haus'

/** A point a backup stops at until the test lets it go on. */
function gate(): { reached: Promise<void>; arrive: () => Promise<void>; open: () => void } {
  let arrived!: () => void
  let opened!: () => void
  const reached = new Promise<void>((resolve) => (arrived = resolve))
  const open = new Promise<void>((resolve) => (opened = resolve))
  return { reached, arrive: () => (arrived(), open), open: () => opened() }
}

describe('backup housekeeping on the test bed', () => {
  let bed: ShopBed
  let session: HostSession
  const deps = (engine?: () => ShopEngine): BackupDeps => ({
    engine: async () => engine?.() ?? composeEngine(session),
    template: (id) => bed.templates.get(id),
    runner: bed.runner,
    user: 'eva',
    helperImage: info.image,
    keep: 5,
  })
  const backupsDir = (name = shop): string => join(bed.baseDir, name, 'backups')
  const listed = async (name = shop): Promise<string[]> => (await composeEngine(session).store.backups(name)).map((b) => b.id)
  /** Every archive of a backup on the host matches its manifest, and holds the marker it had then. */
  const intact = (id: string): string => {
    const dir = join(backupsDir(), id)
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest
    expect(manifest.id).toBe(id)
    for (const archive of backupArchives(manifest)) {
      expect(cksumOf(join(dir, archive.file))).toBe(archive.crc)
    }
    const archive = join(dir, manifest.volumes[0]!.file)
    expect(execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' })).toMatch(/ 2097152 .*\.\/blob\n/)
    return execFileSync('tar', ['-xOf', archive, './marker'], { encoding: 'utf8' }).trim()
  }
  const setMarker = (value: string): void => void bed.docker('exec', bed.container(shop), 'sh', '-c', `echo ${value} > /srv/data/marker`)

  beforeAll(async () => {
    bed = shopBed(info, 'housekeeping')
    session = bed.session()
    for (const name of [shop, 'leer']) {
      const done = await bed.finished(bed.create(session, { name }).id)
      if (done.status !== 'succeeded') throw new Error(`setup: ${JSON.stringify(done.error)}`)
    }
    bed.docker('exec', bed.container(shop), 'sh', '-c', 'echo eins > /srv/data/marker && dd if=/dev/urandom of=/srv/data/blob bs=1M count=2 2>/dev/null')
  })
  afterEach(() => void vi.useRealTimers())
  afterAll(() => bed?.cleanup())

  it('two backups started in the same millisecond are two backups, each with all the data', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-22T23:15:00.123Z') })
    const started = [startBackup({ hostId: 'testbed', shop }, deps()), startBackup({ hostId: 'testbed', shop }, deps())]
    const done = await Promise.all(started.map((s) => bed.finished(s.snapshot.id, 120_000)))
    vi.useRealTimers()
    expect(done.map((d) => d.error)).toEqual([undefined, undefined])
    const ids = done.map((d) => d.result!.backupId!)
    for (const id of ids) expect(id).toMatch(/^2026-11-22T23-15-00-123Z-[0-9a-f]{4}$/)
    expect(new Set(ids).size).toBe(2)
    expect((await listed()).sort()).toEqual([...ids].sort())
    expect(readdirSync(backupsDir()).sort()).toEqual([...ids].sort())
    for (const id of ids) expect(intact(id)).toBe('eins')
  })

  it('a second laptop’s prune while a backup runs: it spares the reserved folder, and is refused once the backup holds the lock', async () => {
    const before = await listed()
    expect(before.length).toBeGreaterThanOrEqual(2)
    const [newestBefore] = before
    // The second laptop: a session of its own (its own queue on this machine), the same host and lock.
    const other = composeEngine(bed.session({ id: 'zweiter-laptop' })).store
    const prune = (keep: number): Promise<void> => other.withLock(shop, 'bob', () => other.pruneBackups(shop, keep, []))

    const locking = gate()
    const archiving = gate()
    const writingManifest = gate()
    let opId = ''
    const step = (id: string): string | undefined => bed.operations.get(opId)?.steps.find((s) => s.id === id)?.status
    const real = composeEngine(session)
    const runtime = new Proxy(real.runtime, {
      get: (target, key) =>
        key === 'openHelper'
          ? async (...args: Parameters<ShopRuntime['openHelper']>) => {
              if (step('archive') === 'running') await archiving.arrive()
              return target.openHelper(...args)
            }
          : Reflect.get(target, key, target),
    })
    const store = new Proxy(real.store, {
      get: (target, key) => {
        if (key === 'withLock')
          return async (...args: Parameters<ShopStore['withLock']>) => {
            await locking.arrive()
            return target.withLock(...args)
          }
        if (key === 'writeFiles')
          return async (dir: string, files: readonly ShopFile[]) => {
            if (files.some((f) => f.path === 'manifest.json')) await writingManifest.arrive()
            return target.writeFiles(dir, files)
          }
        return Reflect.get(target, key, target)
      },
    })
    setMarker('zwei')
    const started = startBackup(
      { hostId: 'testbed', shop },
      deps(() => ({ ...real, runtime, store })),
    )
    opId = started.snapshot.id

    // Its folder reserved, the lock not yet asked for: the prune (keep 1) takes the older backups, not this one.
    await locking.reached
    const reserved = readdirSync(backupsDir()).filter((name) => !before.includes(name))
    expect(reserved).toHaveLength(1)
    await prune(1)
    expect(await listed()).toEqual([newestBefore])
    expect(readdirSync(backupsDir()).sort()).toEqual([newestBefore!, reserved[0]!].sort())
    locking.open()

    // From the first archive to the manifest the backup holds the shop's lock: the other laptop is told so.
    await archiving.reached
    await expect(prune(1)).rejects.toMatchObject({ code: 'busy' })
    archiving.open()
    await writingManifest.reached
    await expect(prune(1)).rejects.toMatchObject({ code: 'busy' })
    expect(readdirSync(backupsDir()).sort()).toEqual([newestBefore!, reserved[0]!].sort())
    writingManifest.open()

    const done = await bed.finished(started.snapshot.id, 120_000)
    expect(done.error).toBeUndefined()
    expect(done.result!.backupId).toBe(reserved[0])
    expect(await listed()).toEqual([reserved[0], newestBefore])
    expect(intact(reserved[0]!)).toBe('zwei')
    expect(intact(newestBefore!)).toBe('eins')
  })

  it('an upload whose checksums differ is refused (uploadDamaged) and leaves no trace on the host', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'housekeeping-'))
    try {
      const [latest] = await composeEngine(session).store.backups(shop)
      const local = await downloadBackup(composeEngine(session), shop, latest!.id, folder, () => undefined)
      const damaged = join(folder, 'damaged')
      cpSync(local, damaged, { recursive: true })
      const bytes = readFileSync(join(damaged, 'data.tar'))
      bytes[Math.floor(bytes.length / 2)] = bytes[Math.floor(bytes.length / 2)]! ^ 0x01
      writeFileSync(join(damaged, 'data.tar'), bytes)

      const refused = await uploadBackup(composeEngine(session), 'leer', damaged, info.image, () => undefined).then(
        () => null,
        (error: unknown) => error,
      )
      expect(refused).toMatchObject({ code: 'invalid_input', say: { key: 'uploadDamaged', values: { id: latest!.id } } })
      expect(await listed('leer')).toEqual([])
      expect(readdirSync(backupsDir('leer'))).toEqual([])

      // The same folder undamaged is taken: the refusal was the checksum's.
      await uploadBackup(composeEngine(session), 'leer', local, info.image, () => undefined)
      expect(await listed('leer')).toEqual([latest!.id])
      expect(readdirSync(backupsDir('leer'))).toEqual([latest!.id])
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('a backup folder is made exclusively: the same id twice gets a second folder, never the first one shared', async () => {
    const store = composeEngine(session).store
    const digits = ['3f9a', '3f9a', '77aa']
    const at = (): Date => new Date('2026-11-22T23:15:00.123Z')
    const shopDir = store.dir(shop)
    const first = await reserveBackupId(store, shopDir, at, () => digits.shift()!)
    const second = await reserveBackupId(store, shopDir, at, () => digits.shift()!)
    expect([first, second]).toEqual(['2026-11-22T23-15-00-123Z-3f9a', '2026-11-22T23-15-00-123Z-77aa'])
    expect(await store.makeNewDir(posix.join(shopDir, 'backups', first))).toBe(false)
  })

  it('the host’s prune keeps the newest by time across old and new ids, and spares what changed in six hours', async () => {
    rmSync(backupsDir(), { recursive: true, force: true })
    const plant = (name: string, options: { manifest?: boolean; hoursOld?: number; freshFile?: boolean } = {}): void => {
      const dir = join(backupsDir(), name)
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'data.tar'), 'tar')
      if (options.manifest !== false) writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ id: name, volumes: [] })}\n`)
      if (options.hoursOld) execFileSync('sh', ['-c', `find "$1" -exec touch -h -d "-${options.hoursOld} hours" {} +`, 'sh', dir])
      // A long archive of one volume: the folder is old, the file still growing.
      if (options.freshFile) execFileSync('touch', [join(dir, 'data.tar')])
    }
    plant('2026-11-22T10-00-00Z')
    plant('2026-11-22T10-00-00-500Z-aaaa')
    plant('2026-11-22T09-59-59-999Z-ffff')
    plant('2026-11-22T11-00-00-001Z-0001', { hoursOld: 24 })
    plant('2026-11-22T11-30-00-000Z-0002', { manifest: false })
    plant('2026-11-22T11-40-00-000Z-0003', { manifest: false, hoursOld: 7 })
    plant('2026-11-22T11-50-00-000Z-0004', { manifest: false, hoursOld: 7, freshFile: true })
    plant('.upload-2026-01-01T00-00-00Z-0123456789ab', { manifest: false })
    plant('.upload-2026-01-02T00-00-00Z-0123456789ab', { manifest: false, hoursOld: 7 })
    execFileSync('chown', ['-R', `${info.ssh.user}:`, backupsDir()])
    const store = composeEngine(session).store

    await expect(store.pruneBackups(shop, 1, [])).rejects.toThrow(/lock/)
    expect(readdirSync(backupsDir())).toHaveLength(9)

    await store.withLock(shop, 'eva', () => store.pruneBackups(shop, 2, []))
    expect(await listed()).toEqual(['2026-11-22T11-00-00-001Z-0001', '2026-11-22T10-00-00Z'])
    expect(readdirSync(backupsDir()).sort()).toEqual([
      '.upload-2026-01-01T00-00-00Z-0123456789ab',
      '2026-11-22T10-00-00Z',
      '2026-11-22T11-00-00-001Z-0001',
      '2026-11-22T11-30-00-000Z-0002',
      '2026-11-22T11-50-00-000Z-0004',
    ])
  })
})
