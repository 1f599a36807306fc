import { describe, expect, it } from 'vitest'
import { defaultAuthKind, hostAuthSchema, hostInputSchema } from './hosts'

const base = { name: 'Demo', address: 'demo.example.com', user: 'deploy' }

describe('host login', () => {
  it("accepts this installation's identity as a login, with nothing secret to send", () => {
    const input = hostInputSchema.parse({ ...base, auth: { kind: 'identity' } })
    expect(input.auth).toEqual({ kind: 'identity' })
    // A key pasted beside it is not taken along: the identity's key comes from the keychain only.
    expect(hostInputSchema.parse({ ...base, auth: { kind: 'identity', privateKey: 'x' } }).auth).toEqual({ kind: 'identity' })
    expect(hostAuthSchema.parse({ kind: 'identity' })).toEqual({ kind: 'identity' })
    expect(hostInputSchema.safeParse({ ...base, auth: { kind: 'password' } }).success).toBe(false)
  })

  it('makes the identity the default for a new profile once there is one; a pasted key before', () => {
    expect(defaultAuthKind(true)).toBe('identity')
    expect(defaultAuthKind(false)).toBe('key')
  })
})
