import { describe, expect, it } from 'vitest'
import { parseAuthorizedKeys, personOf, teamComment, withKey, withoutKey } from './authorized-keys'

const A = 'AAAAC3NzaC1lZDI1NTE5AAAAIDzKuW1eXq3LqV1xg1s5B3X0VYcT6zDkqGv3P8gKZb1a'
const B = 'AAAAC3NzaC1lZDI1NTE5AAAAIBm0yB0aFv9CwKq3oK0bU7cZk2bS7Zr8n1m0H7YqGx2c'
const file = `# managed by hand\ncommand="echo hi",no-pty ssh-ed25519 ${A} Anna Schmidt [sales] shop-manager\n\nssh-ed25519 ${B} bert@laptop\n`

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
    const line = `ssh-ed25519 ${A} Anna Schmidt [sales] shop-manager`
    expect(withKey('ssh-ed25519 X x', line)).toBe(`ssh-ed25519 X x\n${line}\n`)
    expect(withKey(file, line)).toBe(file)
  })
})
