import { describe, expect, it } from 'vitest'
import { fingerprintOf, parseAuthorizedKeys, parseOptions, personOf, salesOptions, teamComment, withKey, withoutKey, withRole } from './authorized-keys'

const A = 'AAAAC3NzaC1lZDI1NTE5AAAAIDzKuW1eXq3LqV1xg1s5B3X0VYcT6zDkqGv3P8gKZb1a'
const B = 'AAAAC3NzaC1lZDI1NTE5AAAAIBm0yB0aFv9CwKq3oK0bU7cZk2bS7Zr8n1m0H7YqGx2c'
const C = 'AAAAC3NzaC1lZDI1NTE5AAAAIHq2m0h3Pz7F8kJ1sYc2R9xV4bN6tW0aL5eD3gU8iO7y'
const file = `# managed by hand\ncommand="echo hi",no-pty ssh-ed25519 ${A} Anna Schmidt [sales] shop-manager\n\nssh-ed25519 ${B} bert@laptop\n`
const gateDir = '/home/shop/.shopmanager/gate'
const fpA = fingerprintOf(A)
const fpC = fingerprintOf(C)
const salesLine = (base64: string, comment: string) =>
  `restrict,command="${gateDir}/shopmgr-gate --role=sales --key=${fingerprintOf(base64)}" ssh-ed25519 ${base64} ${comment}`

describe('authorized_keys', () => {
  it('reads keys with options, comments and Shop-Manager roles', () => {
    const keys = parseAuthorizedKeys(file)
    expect(keys.map((k) => [k.type, k.comment])).toEqual([
      ['ssh-ed25519', 'Anna Schmidt [sales] shop-manager'],
      ['ssh-ed25519', 'bert@laptop'],
    ])
    expect(keys[0]!.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
    expect(personOf(keys[0]!.comment)).toEqual({ person: 'Anna Schmidt', role: 'sales' })
    expect(personOf('bert@laptop')).toBeNull()
    expect(teamComment('Eve [x]\n', 'admin')).toBe('Eve  x [admin] shop-manager')
  })

  it('revokes one key and keeps every other byte', () => {
    const [anna] = parseAuthorizedKeys(file)
    expect(withoutKey(file, anna!.fingerprint)).toBe(`# managed by hand\n\nssh-ed25519 ${B} bert@laptop\n`)
  })

  it('adds a key once, after a newline even when the file lacks one', () => {
    const line = `ssh-ed25519 ${A} Anna Schmidt [admin] shop-manager`
    expect(withKey('ssh-ed25519 X x', line, 'admin', gateDir)).toBe(`ssh-ed25519 X x\n${line}\n`)
    expect(withKey(file, line, 'admin', gateDir)).toBe(file)
  })
})

describe('authorized_keys options and roles', () => {
  it('splits options at commas outside quotes, with sshd’s \\" escape', () => {
    expect(parseOptions('restrict,command="a \\"b\\", c",from="10.0.0.1,::1",No-Pty')).toEqual([
      { name: 'restrict', value: null },
      { name: 'command', value: 'a "b", c' },
      { name: 'from', value: '10.0.0.1,::1' },
      { name: 'no-pty', value: null },
    ])
  })

  it('enrols a sales key with restrict and the gate as forced command for its own fingerprint', () => {
    const text = withKey('', `ssh-ed25519 ${C} Cora [sales] shop-manager`, 'sales', gateDir)
    expect(text).toBe(`${salesLine(C, 'Cora [sales] shop-manager')}\n`)
    const [cora] = parseAuthorizedKeys(text)
    expect(cora).toMatchObject({ role: 'sales', fingerprint: fpC, comment: 'Cora [sales] shop-manager', type: 'ssh-ed25519', base64: C })
    expect(cora!.options.find((o) => o.name === 'command')!.value).toBe(`${gateDir}/shopmgr-gate --role=sales --key=${fpC}`)
  })

  it('takes the role from the options, not from the comment’s label', () => {
    const text = [
      `ssh-ed25519 ${A} Anna [sales] shop-manager`,
      salesLine(B, 'Bert [admin] shop-manager'),
      `command="echo hi",no-pty ssh-ed25519 ${C} robot`,
    ].join('\n')
    expect(parseAuthorizedKeys(text).map((k) => k.role)).toEqual(['admin', 'sales', 'other'])
  })

  it('counts a gate line as sales only with restrict, nothing loosening it, and its own key', () => {
    const gate = (fp: string) => `command="${gateDir}/shopmgr-gate --role=sales --key=${fp}"`
    const roles = [
      `${gate(fpC)} ssh-ed25519 ${C} no restrict`,
      `restrict,port-forwarding,${gate(fpC)} ssh-ed25519 ${C} loosened`,
      `restrict,${gate(fpA)} ssh-ed25519 ${C} another key's fingerprint`,
      `restrict,command="${gateDir}/shopmgr-gate --role=admin --key=${fpC}" ssh-ed25519 ${C} admin gate`,
      `restrict,command="/usr/bin/evil; ${gateDir}/shopmgr-gate --role=sales --key=${fpC}" ssh-ed25519 ${C} chained`,
      `restrict,${gate(fpC)},command="sh" ssh-ed25519 ${C} two commands`,
      `restrict,command="'/home/a b/.shopmanager/gate/shopmgr-gate' --role=sales --key=${fpC}" ssh-ed25519 ${C} quoted path`,
    ].map((line) => parseAuthorizedKeys(line)[0]!.role)
    expect(roles).toEqual(['other', 'other', 'other', 'other', 'other', 'other', 'sales'])
  })

  it('quotes a gate directory with spaces for sh and refuses one that sshd or sh would misread', () => {
    expect(salesOptions('/home/a b/.shopmanager/gate', fpC)).toBe(`restrict,command="'/home/a b/.shopmanager/gate/shopmgr-gate' --role=sales --key=${fpC}"`)
    for (const bad of ['relative/gate', '/home/x"y', "/home/it's", '/home/back\\slash', '/home/new\nline']) {
      expect(() => salesOptions(bad, fpC), bad).toThrow(/cannot be written/)
    }
  })

  it('changes one key’s role by rewriting its line only, keeping neutral options and updating the label', () => {
    const before = `# team\nfrom="10.0.0.0/8",no-pty ssh-ed25519 ${A} Anna [admin] shop-manager\n\nssh-ed25519 ${B} bert@laptop\n`
    const sales = withRole(before, fpA, 'sales', gateDir)
    expect(sales).toBe(
      `# team\nrestrict,command="${gateDir}/shopmgr-gate --role=sales --key=${fpA}",from="10.0.0.0/8" ssh-ed25519 ${A} Anna [sales] shop-manager\n\nssh-ed25519 ${B} bert@laptop\n`,
    )
    expect(parseAuthorizedKeys(sales)[0]!.role).toBe('sales')
    const admin = withRole(sales, fpA, 'admin', gateDir)
    expect(admin).toBe(`# team\nfrom="10.0.0.0/8" ssh-ed25519 ${A} Anna [admin] shop-manager\n\nssh-ed25519 ${B} bert@laptop\n`)
    // A line already in the role is left as it is, byte for byte.
    expect(withRole(before, fpA, 'admin', gateDir)).toBe(before)
  })

  it('makes a foreign forced command admin or sales when asked (its command goes)', () => {
    const text = `command="echo hi",no-pty ssh-ed25519 ${C} robot\n`
    expect(withRole(text, fpC, 'admin', gateDir)).toBe(`ssh-ed25519 ${C} robot\n`)
    expect(withRole(text, fpC, 'sales', gateDir)).toBe(`${salesLine(C, 'robot')}\n`)
  })

  it('adds a pasted key with its comment as pasted: the role is in the options', () => {
    const text = withKey('', `ssh-ed25519 ${C} Cora [admin] shop-manager`, 'sales', gateDir)
    expect(text).toBe(`${salesLine(C, 'Cora [admin] shop-manager')}\n`)
    expect(parseAuthorizedKeys(text)[0]!.role).toBe('sales')
  })
})
