// The Hetzner API URL may carry the token in clear text only to this machine: the settings schema (what the
// Settings page and the IPC handler check) and the check where the client is built agree on every case.
import { describe, expect, it } from 'vitest'
import { settingsPatchSchema } from '@shared/contract'
import { checkHetznerApiUrl, isSafeHetznerApiUrl } from './api-url'

const allowed = [
  'https://api.hetzner.cloud/v1',
  'https://proxy.example.com:8443/hetzner/v1',
  'http://127.0.0.1:8080/v1',
  'http://127.1.2.3/v1',
  'http://[::1]:9000/v1',
  'http://localhost:3000/v1',
]
const refused = [
  'http://api.hetzner.cloud/v1',
  'http://10.0.0.1/v1',
  'http://192.168.1.5:8080/v1',
  'http://127.0.0.1.nip.io/v1',
  'http://localhost.evil.example/v1',
  'http://[::2]/v1',
]

describe('the Hetzner API URL', () => {
  const schema = settingsPatchSchema.shape.hetznerApiUrl

  it.each(allowed)('accepts %s in the settings and where the client is built', (url) => {
    expect(schema.safeParse(url).success).toBe(true)
    expect(isSafeHetznerApiUrl(url)).toBe(true)
    expect(checkHetznerApiUrl(url)).toBe(url)
  })

  it.each(refused)('refuses %s in the settings, saying why, and where the client is built', (url) => {
    const parsed = schema.safeParse(url)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((i) => i.message).join(' ')).toContain('unencrypted')
    expect(isSafeHetznerApiUrl(url)).toBe(false)
    expect(() => checkHetznerApiUrl(url)).toThrow(expect.objectContaining({ code: 'invalid_input' }))
  })

  it('still refuses what is no URL at all, without throwing', () => {
    expect(schema.safeParse('not a url').success).toBe(false)
    expect(schema.safeParse('ftp://127.0.0.1/').success).toBe(false)
  })
})
