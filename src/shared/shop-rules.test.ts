import { describe, expect, it } from 'vitest'
import { asciiDomain, isValidDomain, shopNameProblem } from './shop-rules'

describe('shop names', () => {
  it.each([
    ['mueller', null],
    ['shop42', null],
    ['', 'empty'],
    ['müller', 'characters'],
    ['my-shop', 'characters'],
    ['Shop', 'characters'],
    ['a'.repeat(31), 'too_long'],
    ['42shop', 'starts_with_digit'],
    ['traefik', 'reserved'],
  ])('%j → %s', (name, problem) => {
    expect(shopNameProblem(name)).toBe(problem)
  })
})

describe('shop domains', () => {
  it.each(['mueller.shops.example.com', 'xn--mller-kva.de', 'a.io'])('accepts %s', (domain) => {
    expect(isValidDomain(domain)).toBe(true)
  })
  it.each([
    'localhost',
    'Mueller.example.com',
    'mueller.example.com.',
    '-bad.example.com',
    'a..b.com',
    'shop.example.com`) || Host(`evil.com',
    "shop.example.com'\nlabels: x",
    '1.2.3.4',
    `${'a'.repeat(64)}.com`,
  ])('rejects %j', (domain) => {
    expect(isValidDomain(domain)).toBe(false)
  })
})

describe('domains as typed', () => {
  it.each([
    ['münchen-shop.de', 'xn--mnchen-shop-thb.de'],
    ['MÜNCHEN-Shop.DE.', 'xn--mnchen-shop-thb.de'],
    ['  mueller.shops.example.com. ', 'mueller.shops.example.com'],
    ['xn--mnchen-shop-thb.de', 'xn--mnchen-shop-thb.de'],
  ])('%s is stored as %s', (typed, stored) => {
    expect(asciiDomain(typed)).toBe(stored)
  })

  it.each(['', '.', 'localhost', 'a/b.de', 'shop.de:8080', 'user@shop.de', 'sh op.de', 'shop.de/pfad', '1.2.3.4', 'shop..de', '[::1]', 'a%2fb.de'])(
    '%j is no domain',
    (typed) => {
      expect(asciiDomain(typed)).toBeNull()
    },
  )
})
