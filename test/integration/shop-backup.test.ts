// Backups on the test bed: marker data backed up, changed, restored; a damaged archive refused by its checksum
// before anything is overwritten; only the newest N kept; moved to the laptop and to another shop over SFTP.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { HostSession } from '../../src/main/host/host-session'
import { downloadBackup, uploadBackup } from '../../src/main/shops/backup-transfer'
import { startBackup, type BackupDeps } from '../../src/main/shops/backup-shop'
import { startRestore } from '../../src/main/shops/restore-shop'
import { startRestoreAsNewShop } from '../../src/main/shops/restore-new-shop'
import { cksumOf } from '../support/cksum'
import { shopBed, type ShopBed } from './support/shop-bed'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'

const info = inject('testbed')
const shop = 'sicher'

describe('backups on the test bed', () => {
  let bed: ShopBed
  let session: HostSession
  const deps = (): BackupDeps => ({
    engine: async () => composeEngine(session),
    template: (id) => bed.templates.get(id),
    runner: bed.runner,
    user: 'eva',
    helperImage: info.image,
    keep: 2,
  })
  const web = () => bed.container(shop)
  const marker = () => bed.docker('exec', web(), 'cat', '/srv/data/marker')
  const backup = async () => {
    const done = await bed.finished(startBackup({ hostId: 'testbed', shop }, deps()).snapshot.id)
    expect(done.error).toBeUndefined()
    return done.result!.backupId!
  }

  beforeAll(async () => {
    bed = shopBed(info, 'backup')
    session = bed.session()
    const done = await bed.finished(bed.create(session, { name: shop }).id)
    if (done.status !== 'succeeded') throw new Error(`setup: ${JSON.stringify(done.error)}`)
    bed.docker(
      'exec',
      web(),
      'sh',
      '-c',
      'echo vorher > /srv/data/marker && dd if=/dev/urandom of=/srv/data/blob bs=1M count=2 2>/dev/null && chown 999:999 /srv/data/blob',
    )
  })
  afterAll(() => bed?.cleanup())

  it('backs up every volume with a manifest and checksums, and the shop runs on', async () => {
    const id = await backup()
    const [manifest] = await composeEngine(session).store.backups(shop)
    expect(manifest).toMatchObject({ id, shop, template: 'busybox', createdBy: 'eva', images: { web: info.image } })
    const crc = expect.stringMatching(/^\d{1,10}$/)
    expect(manifest!.volumes).toEqual([
      {
        key: 'data',
        volume: `${shop}_data`,
        file: 'data.tar',
        bytes: expect.any(Number),
        crc,
        changes: { file: 'data.changes.tar', bytes: expect.any(Number), crc },
      },
    ])
    expect(manifest!.volumes[0]!.bytes).toBeGreaterThan(2 * 1024 * 1024)
    // The checksums are those of the files as written; the snapshot between the passes is gone.
    const folder = join(bed.baseDir, shop, 'backups', id)
    expect(readdirSync(folder).sort()).toEqual(['data.changes.tar', 'data.tar', 'manifest.json'])
    for (const archive of [manifest!.volumes[0]!, manifest!.volumes[0]!.changes!]) expect(cksumOf(join(folder, archive.file))).toBe(archive.crc)
    // Running at once; Docker calls it healthy again at its next probe (it reports paused containers unhealthy).
    expect(bed.docker('inspect', '-f', '{{.State.Status}}', web())).toBe('running')
    // The helper container that wrote both archives is gone.
    await expect.poll(() => bed.docker('ps', '-aq', '--filter', 'label=shopmanager.helper'), { timeout: 5000 }).toBe('')
    await expect
      .poll(() => bed.docker('inspect', '-f', '{{.State.Status}} {{.State.Health.Status}}', web()), { timeout: 10_000, interval: 200 })
      .toBe('running healthy')
  })

  it('restores: the marker is back, ownership kept, the shop healthy again', async () => {
    const [latest] = await composeEngine(session).store.backups(shop)
    bed.docker('exec', web(), 'sh', '-c', 'echo nachher > /srv/data/marker && rm /srv/data/blob && touch /srv/data/neu')
    const refused = await bed.finished(startRestore({ hostId: 'testbed', shop, backupId: latest!.id, confirm: 'falsch' }, deps()).snapshot.id)
    expect(refused.error).toMatchObject({ code: 'invalid_input', step: 'validate' })
    expect(marker()).toBe('nachher')
    const done = await bed.finished(startRestore({ hostId: 'testbed', shop, backupId: latest!.id, confirm: shop }, deps()).snapshot.id)
    expect(done.error).toBeUndefined()
    expect(marker()).toBe('vorher')
    expect(bed.docker('exec', web(), 'stat', '-c', '%u:%g', '/srv/data/blob')).toBe('999:999')
    expect(bed.docker('exec', web(), 'ls', '/srv/data')).not.toContain('neu')
    expect(bed.docker('inspect', '-f', '{{.State.Health.Status}}', web())).toBe('healthy')
    // Into the next generation, named in the compose file (a by-hand `docker compose` finds it); the old one gone.
    expect(bed.docker('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', web())).toBe(`${shop}_data_g2`)
    expect(parse(readFileSync(join(bed.baseDir, shop, 'docker-compose.yml'), 'utf8')).volumes.data.name).toBe(`${shop}_data_g2`)
    expect(bed.docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${shop}`).split('\n')).toEqual([`${shop}_data_g2`])
  })

  it('refuses a damaged archive by its checksum before overwriting anything', async () => {
    const [latest] = await composeEngine(session).store.backups(shop)
    const archive = join(bed.baseDir, shop, 'backups', latest!.id, 'data.tar')
    const bytes = readFileSync(archive)
    bytes[bytes.length - 2000] = bytes[bytes.length - 2000]! ^ 0xff
    writeFileSync(archive, bytes)
    bed.docker('exec', web(), 'sh', '-c', 'echo geaendert > /srv/data/marker')
    const done = await bed.finished(startRestore({ hostId: 'testbed', shop, backupId: latest!.id, confirm: shop }, deps()).snapshot.id)
    expect(done.error).toMatchObject({ step: 'restore', message: expect.stringContaining('data.tar does not match its checksum') })
    expect(marker()).toBe('geaendert')
    expect(bed.docker('inspect', '-f', '{{.State.Status}}', web())).toBe('running')
    // The volume it was unpacked into is gone; the shop still has the one it had.
    expect(bed.docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${shop}`).split('\n')).toEqual([`${shop}_data_g2`])
  })

  it('restores a backup into a new shop: the data from the archive, the source untouched', async () => {
    bed.docker('exec', web(), 'sh', '-c', 'echo fuer-neu > /srv/data/marker')
    const id = await backup()
    bed.track('neuling')
    bed.docker('exec', web(), 'sh', '-c', 'echo quelle-jetzt > /srv/data/marker')
    const done = await bed.finished(
      startRestoreAsNewShop(
        { hostId: 'testbed', shop, backupId: id, name: 'neuling', domain: 'neuling.shops.test', description: 'aus Backup' },
        { ...deps(), certResolver: null },
      ).snapshot.id,
    )
    expect(done.error).toBeUndefined()
    expect(done.steps.map((s) => s.id)).toEqual(['validate', 'reserve', 'restore', 'write', 'dns', 'start', 'health', 'done'])
    expect(bed.docker('exec', bed.container('neuling'), 'cat', '/srv/data/marker')).toBe('fuer-neu')
    expect(marker()).toBe('quelle-jetzt')
    expect(JSON.parse(readFileSync(join(bed.baseDir, 'neuling', 'shop.json'), 'utf8'))).toMatchObject({
      clonedFrom: shop,
      fromBackup: id,
      description: 'aus Backup',
    })
  })

  it('a restore whose shop does not come up on the backup ends with the old data in place and the shop as it was', async () => {
    const id = await backup()
    bed.docker('exec', web(), 'sh', '-c', 'echo aktuell > /srv/data/marker')
    const before = bed.docker('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', web())
    // The shop dies as soon as it runs on the restored volume (killed: its restart policy does not bring it back).
    let killed = false
    bed.onSnapshot = (snapshot) => {
      if (killed || snapshot.kind !== 'restore' || snapshot.steps.find((s) => s.id === 'health')?.status !== 'running') return
      killed = true
      bed.docker('kill', web())
    }
    const done = await bed.finished(startRestore({ hostId: 'testbed', shop, backupId: id, confirm: shop }, deps()).snapshot.id)
    bed.onSnapshot = null
    expect(killed).toBe(true)
    expect(done.error).toMatchObject({ code: 'restore_rolled_back', step: 'health' })
    expect(done.steps.find((s) => s.id === 'putBack')).toMatchObject({ status: 'done', note: { key: 'previousData' } })
    expect(marker()).toBe('aktuell')
    expect(bed.docker('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}} {{.State.Health.Status}}', web())).toBe(`${before} healthy`)
    expect(bed.docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${shop}`).split('\n')).toEqual([before])
    expect(readdirSync(join(bed.baseDir, shop))).not.toContain('failure.json')
  })

  it('a restore cancelled in the middle of unpacking leaves the old data in place and the shop running', async () => {
    bed.docker('exec', web(), 'sh', '-c', 'dd if=/dev/urandom of=/srv/data/gross bs=1M count=200 2>/dev/null')
    const id = await backup()
    bed.docker('exec', web(), 'sh', '-c', 'rm /srv/data/gross && echo nach-dem-backup > /srv/data/marker')
    const before = bed.docker('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', web())
    const started = startRestore({ hostId: 'testbed', shop, backupId: id, confirm: shop }, deps()).snapshot
    // Cancelled once the helper has unpacked a part of the archive into the new volume.
    await expect
      .poll(() => bed.operations.get(started.id)?.steps.find((s) => s.id === 'restore')?.progress?.done ?? 0, { timeout: 30_000, interval: 50 })
      .toBeGreaterThan(0)
    expect(bed.operations.cancel(started.id)).toBe(true)
    const done = await bed.finished(started.id)
    expect(done.status).toBe('cancelled')
    expect(marker()).toBe('nach-dem-backup')
    expect(bed.docker('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}} {{.State.Status}}', web())).toBe(`${before} running`)
    expect(bed.docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${shop}`).split('\n')).toEqual([before])
  })

  it('keeps only the newest backups', async () => {
    await backup()
    await backup()
    const kept = await composeEngine(session).store.backups(shop)
    expect(kept).toHaveLength(2)
    expect(readdirSync(join(bed.baseDir, shop, 'backups'))).toHaveLength(2)
  })
})

describe('backups moved over SFTP', () => {
  let bed: ShopBed
  let session: HostSession
  const deps = (): BackupDeps => ({
    engine: async () => composeEngine(session),
    template: (id) => bed.templates.get(id),
    runner: bed.runner,
    user: 'eva',
    helperImage: info.image,
    keep: 3,
  })
  let folder: string

  beforeAll(async () => {
    bed = shopBed(info, 'transfer')
    session = bed.session()
    folder = mkdtempSync(join(tmpdir(), 'backup-download-'))
    for (const name of ['quelle', 'ziel']) {
      const done = await bed.finished(bed.create(session, { name }).id)
      if (done.status !== 'succeeded') throw new Error(`setup: ${JSON.stringify(done.error)}`)
    }
    bed.docker(
      'exec',
      bed.container('quelle'),
      'sh',
      '-c',
      'echo aus-quelle > /srv/data/marker && dd if=/dev/urandom of=/srv/data/blob bs=1M count=3 2>/dev/null',
    )
  })
  afterAll(() => {
    bed?.cleanup()
    rmSync(folder, { recursive: true, force: true })
  })

  it('downloads a backup to the laptop with progress, uploads it to another shop, and restores it there', async () => {
    const made = await bed.finished(startBackup({ hostId: 'testbed', shop: 'quelle' }, deps()).snapshot.id)
    const id = made.result!.backupId!
    const steps: number[] = []
    const local = await downloadBackup(composeEngine(session), 'quelle', id, folder, (p) => steps.push(p.done))
    const [manifest] = await composeEngine(session).store.backups('quelle')
    const archive = readFileSync(join(local, 'data.tar'))
    expect(cksumOf(join(local, 'data.tar'))).toBe(manifest!.volumes[0]!.crc)
    expect(steps.length).toBeGreaterThan(0)
    // Both archives of the volume moved: the full one and the changes.
    expect(steps.at(-1)).toBe(archive.length + readFileSync(join(local, 'data.changes.tar')).length)

    // A damaged copy is refused and not kept on the host.
    const damaged = mkdtempSync(join(tmpdir(), 'backup-damaged-'))
    cpSync(local, damaged, { recursive: true })
    const bytes = readFileSync(join(damaged, 'data.tar'))
    bytes[100] = bytes[100]! ^ 0xff
    writeFileSync(join(damaged, 'data.tar'), bytes)
    await expect(uploadBackup(composeEngine(session), 'ziel', damaged, info.image, () => undefined)).rejects.toThrow(/does not match its checksums/)
    expect(await composeEngine(session).store.backups('ziel')).toEqual([])
    rmSync(damaged, { recursive: true, force: true })

    await uploadBackup(composeEngine(session), 'ziel', local, info.image, () => undefined)
    expect((await composeEngine(session).store.backups('ziel')).map((b) => b.id)).toEqual([id])
    const restored = await bed.finished(startRestore({ hostId: 'testbed', shop: 'ziel', backupId: id, confirm: 'ziel' }, deps()).snapshot.id)
    expect(restored.error).toBeUndefined()
    expect(bed.docker('exec', bed.container('ziel'), 'cat', '/srv/data/marker')).toBe('aus-quelle')
    // The source's volume was not touched by restoring into the other shop.
    bed.docker('exec', bed.container('ziel'), 'sh', '-c', 'echo ziel > /srv/data/marker')
    expect(bed.docker('exec', bed.container('quelle'), 'cat', '/srv/data/marker')).toBe('aus-quelle')
  })
})
