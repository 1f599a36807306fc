/// <reference lib="dom" />
// Team access as an admin sees it: the own key is listed, a colleague's key is added and revoked again,
// and the authorized_keys file ends as it began. Then this laptop's identity on the Settings page.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { fingerprintOf } from '../../src/main/team/authorized-keys'
import { generateEd25519 } from '../../src/main/team/key-pair'
import { openHostSession } from '../../src/main/host/host-session'
import { testbedProfile } from '../integration/support/hosts'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { HostAdminPage } from './pages/host-admin-page'
import { ShellPage } from './pages/shell-page'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const home = `/home/${info.ssh.teamUser}`
const file = join(home, '.ssh', 'authorized_keys')
const original = `${readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8').trim()}\n`
const poll = { timeout: 20_000, interval: 100 }

describe('team keys and identity in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage
  let admin: HostAdminPage
  let hostId = ''
  const bea = generateEd25519('Bea [sales] shop-manager')

  beforeAll(async () => {
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 })
    writeFileSync(file, original, { mode: 0o600 })
    execFileSync('chown', ['-R', `${info.ssh.teamUser}:`, join(home, '.ssh')])
    bed = e2eHostBed(info, 'team')
    app = await launchApp(info)
    hostId = (await bed.addHost(app, { name: 'Team-Testbed', user: info.ssh.teamUser, baseDir: info.ssh.baseDir, activate: false })).id
    await app.reload()
    shell = new ShellPage(app.page)
    admin = new HostAdminPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    rmSync(join(home, '.ssh'), { recursive: true, force: true })
    bed?.cleanup([])
  })

  const error = () =>
    admin.team
      .getByTestId('team-error')
      .innerText({ timeout: 100 })
      .catch(() => '')
  const rows = async () => {
    const e = await error()
    if (e) return [`error: ${e}`]
    return admin
      .teamRows()
      .evaluateAll((trs) =>
        trs.map(
          (tr) =>
            `${tr.getAttribute('data-own')}|${tr.querySelector('[data-testid="team-person"]')?.textContent?.trim() ?? ''}|${tr.querySelector('[data-testid="team-role"]')?.textContent?.trim() ?? ''}`,
        ),
      )
  }

  it('lists the key this app logs in with as its own', async () => {
    await shell.open('hosts')
    await admin.openTeam(hostId)
    await expect.poll(rows, poll).toHaveLength(1)
    const [own] = await rows()
    expect(own).toMatch(/^true\|.*dieser Laptop/)
  })

  it('adds a colleague key as sales (the default): sshd leaves it only the gate, and the list says so from the file', async () => {
    await admin.team.getByTestId('team-new-key').locator('textarea').fill(bea.public.trim())
    await admin.team.getByTestId('team-add').click()
    await expect.poll(rows, poll).toContain('false|Bea|Vertrieb')
    const fingerprint = fingerprintOf(bea.public.split(' ')[1]!)
    expect(readFileSync(file, 'utf8')).toBe(
      `${original}restrict,command="${home}/.shopmanager/gate/shopmgr-gate --role=sales --key=${fingerprint}" ${bea.public.trim()}\n`,
    )
    // The own key has no forced command: admin, whatever its comment says.
    expect((await rows())[0]).toMatch(/^true\|.*\|Admin$/)
  })

  it('makes the key admin from its role chip: only its line changes, to the plain key with its label saying admin', async () => {
    await admin.teamRows().filter({ hasText: 'Bea' }).getByTestId('team-role').click()
    await app.page.locator('.v-overlay--active').getByTestId('team-role-admin').click()
    await expect.poll(rows, poll).toContain('false|Bea|Admin')
    await admin.team.getByTestId('team-role-changed').waitFor()
    expect(readFileSync(file, 'utf8')).toBe(`${original}${bea.public.trim().replace('[sales]', '[admin]')}\n`)
  })

  it('revokes it after a confirmation: it is gone, Bea’s open connection is ended and cannot come back, and the file is as before', async () => {
    // Bea's laptop is connected with the key about to be revoked, as it would be at a customer's.
    const beaLaptop = openHostSession(
      testbedProfile(info, { id: 'bea', user: info.ssh.teamUser }),
      { privateKey: bea.private },
      { backoffInitialMs: 100, backoffMaxMs: 500 },
    )
    expect((await beaLaptop.exec(['true'])).code).toBe(0)
    const row = admin.teamRows().filter({ hasText: 'Bea' })
    await row.getByTestId('team-revoke').click()
    const confirm = app.page.getByTestId('team-revoke-dialog')
    await confirm.waitFor()
    expect(await confirm.getByTestId('team-confirm-own').count()).toBe(0)
    await confirm.getByTestId('team-revoke-confirm').click()
    await expect.poll(rows, poll).toHaveLength(1)
    await expect.poll(() => admin.team.getByTestId('team-ended').innerText(), poll).toMatch(/andere Verbindung(en)? beendet/)
    // Ended by the host, then refused at the login: the laptop stops trying and says why.
    await expect.poll(() => beaLaptop.state, poll).toBe('failed')
    beaLaptop.close()
    expect(readFileSync(file, 'utf8')).toBe(original)
    await shell.screenshot(join(outputDir, 'team-keys.png'))
  })

  it('asks for the extra confirmation before revoking the own key', async () => {
    await admin.teamRows().filter({ hasText: 'dieser Laptop' }).getByTestId('team-revoke').click()
    const confirm = app.page.getByTestId('team-revoke-dialog')
    await confirm.waitFor()
    expect(await confirm.getByTestId('team-confirm-own').count()).toBe(1)
    expect(await confirm.getByTestId('team-revoke-confirm').isDisabled()).toBe(true)
    await confirm.getByRole('button', { name: 'Abbrechen' }).click()
    await confirm.waitFor({ state: 'hidden' })
    expect(readFileSync(file, 'utf8')).toBe(original)
    await admin.closeTeam()
  })

  it('generates this laptop’s identity on the Settings page and shows its public key', async () => {
    await shell.open('settings')
    const card = app.page.getByTestId('identity-card')
    await card.getByTestId('identity-person').locator('input').fill('Erika E2E')
    await card.getByTestId('identity-generate').click()
    const key = card.getByTestId('identity-public-key').locator('textarea').first()
    await expect.poll(() => key.inputValue().catch(() => ''), poll).toMatch(/^ssh-ed25519 /)
    expect(await card.getByTestId('identity-fingerprint').innerText()).toMatch(/^SHA256:/)
  })
})
