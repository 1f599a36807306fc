import { describe, expect, it } from 'vitest'
import { cloneShopSchema, createShopSchema } from './contract'
import { decodeGateRequest, encodeGateRequest } from './gate-protocol'

describe('a shop domain as create, clone and the gate take it', () => {
  const create = { hostId: 'testbed', name: 'muenchen', templateId: 'busybox', domain: 'München-Shop.de.', params: {} }

  it('is stored as punycode without the trailing dot, as the domain check reads it', () => {
    expect(createShopSchema.parse(create).domain).toBe('xn--mnchen-shop-thb.de')
    expect(cloneShopSchema.parse({ hostId: 'testbed', source: 'quelle', name: 'kopie', domain: 'kopie.münchen-shop.de' }).domain).toBe(
      'kopie.xn--mnchen-shop-thb.de',
    )
    const { hostId: _, ...request } = create
    expect(decodeGateRequest(encodeGateRequest({ op: 'create', ...request }))).toMatchObject({ domain: 'xn--mnchen-shop-thb.de' })
  })

  it('what is no domain stays as typed (lower case), for the rules to refuse by name', () => {
    expect(createShopSchema.parse({ ...create, domain: 'Shop.de/Pfad' }).domain).toBe('shop.de/pfad')
    const { hostId: _, ...request } = create
    expect(() => decodeGateRequest(encodeGateRequest({ op: 'create', ...request, domain: 'shop.de/pfad' }))).toThrow()
  })
})
