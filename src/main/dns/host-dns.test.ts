// The Hetzner client a host's DNS work uses: a corrected token is used at once (not the first one given until a
// restart), and the token never goes out over plain http except to this machine. Against the Hetzner emulator
// on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HostProfile } from '@shared/hosts'
import { HetznerEmulator } from '../../../test/support/hetzner/emulator'
import { isSafeHetznerApiUrl } from './api-url'
import { HostDns } from './host-dns'

const profile: HostProfile = {
  id: 'h1',
  name: 'H1',
  kind: 'ssh',
  address: '127.0.0.1',
  port: 22,
  user: 'shop',
  auth: { kind: 'agent' },
  dockerSocket: '/var/run/docker.sock',
  baseDir: '/opt/docker',
  role: 'admin',
  shopDomain: 'shops.example.com',
  domainMode: 'wildcard',
  hostKey: null,
}

describe('HostDns', () => {
  let emulator: HetznerEmulator
  beforeAll(async () => {
    emulator = await HetznerEmulator.start()
    emulator.addZone('example.com')
  })
  afterAll(async () => {
    await emulator?.close()
  })

  it('uses a corrected token at once: the first, wrong one is not kept with the client', async () => {
    const dns = new HostDns({ token: async () => null, baseUrl: () => emulator.url, resolvers: () => [] })
    await expect(dns.wildcardMatches(profile, 'wrong-token-typed-first')).rejects.toMatchObject({ code: 'auth_failed' })
    emulator.resetCalls()
    expect(await dns.wildcardMatches(profile, emulator.tokens.readWrite)).toBe(false)
    expect(await dns.ensureWildcard(profile, emulator.tokens.readWrite)).toBe(true)
    expect(emulator.rrset('example.com', '*.shops', 'A')?.records).toEqual([{ value: '127.0.0.1', comment: null }])
  })

  it('a token read from the keychain is read again for each call: a corrected one applies at once', async () => {
    let stored = 'old-wrong-token'
    const dns = new HostDns({ token: async () => stored, baseUrl: () => emulator.url, resolvers: () => [] })
    await expect(dns.publish({ ...profile, domainMode: 'per-shop' }, 'kunde1.shops.example.com')).rejects.toMatchObject({ code: 'auth_failed' })
    stored = emulator.tokens.readWrite
    expect(await dns.publish({ ...profile, domainMode: 'per-shop' }, 'kunde1.shops.example.com')).toMatchObject({ key: 'dnsWritten' })
  })

  it('follows a changed base URL, and refuses plain http to anything but this machine before sending a token', async () => {
    let baseUrl = 'http://api.hetzner.example/v1'
    const dns = new HostDns({ token: async () => null, baseUrl: () => baseUrl, resolvers: () => [] })
    emulator.resetCalls()
    await expect(dns.wildcardMatches(profile, emulator.tokens.readWrite)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('unencrypted'),
    })
    baseUrl = emulator.url
    expect(await dns.wildcardMatches(profile, emulator.tokens.readWrite)).toBe(true)
    expect(emulator.calls.length).toBeGreaterThan(0)
  })
})

describe('isSafeHetznerApiUrl', () => {
  it('https anywhere; http only to loopback', () => {
    for (const url of [
      'https://api.hetzner.cloud/v1',
      'http://127.0.0.1:8080/v1',
      'http://127.5.6.7/v1',
      'http://[::1]:9000/v1',
      'http://localhost:3000/v1',
      'http://LOCALHOST/v1',
    ]) {
      expect(isSafeHetznerApiUrl(url), url).toBe(true)
    }
    for (const url of [
      'http://api.hetzner.cloud/v1',
      'http://10.0.0.1/v1',
      'http://128.0.0.1/v1',
      'http://127.0.0.1.nip.io/v1',
      'http://localhost.evil.com/v1',
      'http://foo.localhost/v1',
      'http://[::2]/v1',
      'http://[::ffff:8.8.8.8]/v1',
      'ftp://127.0.0.1/',
      'not a url',
    ]) {
      expect(isSafeHetznerApiUrl(url), url).toBe(false)
    }
  })
})
