import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { generateEd25519 } from '../main/team/key-pair'
import { fingerprintOf } from '../main/team/authorized-keys'
import { keyPresent, watchKey } from './key-watch'

describe('key revocation as the gate sees it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gate-keys-'))
  const file = join(dir, 'authorized_keys')
  const bea = generateEd25519('Bea Berger [sales] shop-manager')
  const other = generateEd25519('Carl [admin] shop-manager')
  const fingerprint = fingerprintOf(bea.public.split(' ')[1]!)
  const line = `restrict,command="/home/shop/.shopmanager/gate/shopmgr-gate --role=sales --key=${fingerprint}" ${bea.public.trim()}`
  afterEach(() => rmSync(file, { force: true }))

  it('finds the key behind its forced command, and not once its line is gone', async () => {
    writeFileSync(file, `# keys\n${other.public.trim()}\n${line}\n`)
    expect(await keyPresent(file, fingerprint)).toBe(true)
    writeFileSync(file, `# keys\n${other.public.trim()}\n`)
    expect(await keyPresent(file, fingerprint)).toBe(false)
  })

  it('takes a missing file as revoked (fail closed)', async () => {
    expect(await keyPresent(join(dir, 'nothing'), fingerprint)).toBe(false)
  })

  it('watching calls back once, soon after the line goes', async () => {
    writeFileSync(file, `${line}\n`)
    let revoked = 0
    const stop = watchKey(
      () => keyPresent(file, fingerprint),
      () => revoked++,
      20,
    )
    await new Promise((r) => setTimeout(r, 80))
    expect(revoked).toBe(0)
    writeFileSync(file, '')
    const at = Date.now()
    while (revoked === 0 && Date.now() - at < 1000) await new Promise((r) => setTimeout(r, 5))
    expect(revoked).toBe(1)
    expect(Date.now() - at).toBeLessThan(200)
    await new Promise((r) => setTimeout(r, 80))
    expect(revoked).toBe(1)
    stop()
  })
})
