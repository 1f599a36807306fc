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

describe('secretMasker with a multi-line secret', () => {
  it('masks the whole key and each of its lines, as a log that prints it line by line shows them', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQCaZjPD6h2d9\n-----END PRIVATE KEY-----\n'
    const mask = secretMasker({ key: pem })
    expect(mask(`key=${pem}`)).toBe('key=•••')
    expect(mask('line: BKcwggSjAgEAAoIBAQCaZjPD6h2d9')).toBe('line: •••')
  })
})
