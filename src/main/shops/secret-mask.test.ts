import { describe, expect, it } from 'vitest'
import { secretMasker } from './secret-mask'

describe('secretMasker', () => {
  it('masks every occurrence of every secret, the longest first', () => {
    const mask = secretMasker({ a: 'hunter22', b: 'hunter22extra' })
    expect(mask('pw=hunter22extra and hunter22, hunter22')).toBe('pw=••• and •••, •••')
  })
  it('leaves text alone without secrets and ignores values too short to be secrets', () => {
    expect(secretMasker({})('nothing here')).toBe('nothing here')
    expect(secretMasker(['abc'])('abc abc')).toBe('abc abc')
  })
})
