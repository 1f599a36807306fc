import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { hostInputSchema, type HostProfile } from './hosts'
import { connectionExport, connectionFileOf, hostInputOf, parseConnectionFile, sameLogin } from './connection-file'

const fingerprint = 'SHA256:vGdBXNEAWoXRdc07RhrI0kUe2k1HnPNZwEUef5EXAU8'
const profile: HostProfile = {
  id: 'demo-1a2b3c',
  name: 'Hetzner Demo',
  kind: 'ssh',
  address: 'demo.example.com',
  port: 2222,
  user: 'deploy',
  auth: { kind: 'key', hasPassphrase: true },
  dockerSocket: '/var/run/docker.sock',
  baseDir: '/opt/docker',
  role: 'admin',
  shopDomain: 'shops.example.com',
  domainMode: 'wildcard',
  hostKey: fingerprint,
}

function refusal(text: string): AppError {
  try {
    parseConnectionFile(text)
  } catch (error) {
    return error as AppError
  }
  throw new Error('the file was accepted')
}

describe('connection file', () => {
  it('round trips: what is exported imports as the same host, as a sales profile with the identity and the pinned key', () => {
    const { json, fileName } = connectionExport(profile)
    expect(fileName).toBe('hetzner-demo.shop-manager-connection.json')
    const file = parseConnectionFile(json)
    expect(file).toEqual(connectionFileOf(profile))
    expect(file).toMatchObject({ format: 'shop-manager-connection', version: 1, hostKey: fingerprint, port: 2222, domainMode: 'wildcard' })
    const input = hostInputSchema.parse(hostInputOf(file))
    expect(input).toMatchObject({
      name: 'Hetzner Demo',
      address: 'demo.example.com',
      port: 2222,
      user: 'deploy',
      auth: { kind: 'identity' },
      role: 'sales',
      shopDomain: 'shops.example.com',
      domainMode: 'wildcard',
      baseDir: '/opt/docker',
      dockerSocket: '/var/run/docker.sock',
    })
  })

  it('carries no secret, even from a profile object that has one, and nothing of how this laptop logs in', () => {
    const secretive = { ...profile, privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----x', passphrase: 'correct horse', dnsToken: 'tok_123456789012345678' }
    const { json } = connectionExport(secretive as HostProfile)
    expect(json).not.toContain('PRIVATE KEY')
    expect(json).not.toContain('correct horse')
    expect(json).not.toContain('tok_')
    expect(Object.keys(JSON.parse(json)).sort()).toEqual(
      ['address', 'baseDir', 'dockerSocket', 'domainMode', 'format', 'hostKey', 'name', 'port', 'shopDomain', 'user', 'version'].sort(),
    )
    // A file someone edited to smuggle a secret in loses it on import too.
    expect(parseConnectionFile(JSON.stringify({ ...JSON.parse(json), privateKey: 'x', auth: { kind: 'key' } }))).not.toHaveProperty('privateKey')
  })

  it('is refused for a host whose key was never confirmed, and for the built-in local host', () => {
    expect(() => connectionFileOf({ ...profile, hostKey: null })).toThrow(
      expect.objectContaining({ say: { key: 'exportNeedsHostKey', values: { host: 'Hetzner Demo' } } }),
    )
    expect(() => connectionFileOf({ ...profile, kind: 'local' })).toThrow(expect.objectContaining({ say: { key: 'connectionFileLocal' } }))
  })

  it('refuses what is not a connection file, another version, a file without the host key, and a damaged one', () => {
    const good = JSON.parse(connectionExport(profile).json) as Record<string, unknown>
    const text = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch })
    expect(refusal('hello').say).toEqual({ key: 'notConnectionFile' })
    expect(refusal('[1,2]').say).toEqual({ key: 'notConnectionFile' })
    expect(refusal(JSON.stringify({ format: 'shop-manager-drafts', version: 1, drafts: [] })).say).toEqual({ key: 'notConnectionFile' })
    expect(refusal(text({ version: 2 })).say).toEqual({ key: 'connectionFileVersion', values: { version: '2', supported: 1 } })
    expect(refusal(text({ version: undefined })).say).toEqual({ key: 'connectionFileVersion', values: { version: '?', supported: 1 } })
    expect(refusal(text({ hostKey: undefined })).say).toEqual({ key: 'connectionFileNoHostKey' })
    expect(refusal(text({ hostKey: null })).say).toEqual({ key: 'connectionFileNoHostKey' })
    expect(refusal(text({ hostKey: 'MD5:aa:bb' })).say).toEqual({ key: 'connectionFileDamaged', values: { field: 'hostKey' } })
    expect(refusal(text({ port: 70000 })).say).toEqual({ key: 'connectionFileDamaged', values: { field: 'port' } })
    expect(refusal(text({ address: 'evil.example.com; rm -rf /' })).say).toEqual({ key: 'connectionFileDamaged', values: { field: 'address' } })
    expect(refusal(text({ baseDir: '/opt/../etc' })).code).toBe('invalid_input')
  })

  it('tells the same login apart: address regardless of case, port and user', () => {
    expect(sameLogin(profile, { address: 'DEMO.example.com', port: 2222, user: 'deploy' })).toBe(true)
    expect(sameLogin(profile, { address: 'demo.example.com', port: 22, user: 'deploy' })).toBe(false)
    expect(sameLogin(profile, { address: 'demo.example.com', port: 2222, user: 'anna' })).toBe(false)
  })
})
