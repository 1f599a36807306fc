import { describe, expect, it } from 'vitest'
import { parseShopListing } from './host-store'

const END = '#shopmanager-list-end'

describe('the shop listing', () => {
  it('reads every shop directory with its metadata and failure, and leaves out the host’s own stacks', () => {
    const listed = parseShopListing(`laden\t{"domain":"laden.example.com"}\t\nhalb\t\t{"operation":"create","step":"write"}\ntraefik\t\t\n${END}\n`)
    expect(listed).toEqual([
      { name: 'laden', metadata: { domain: 'laden.example.com' }, failure: null },
      { name: 'halb', metadata: null, failure: { operation: 'create', step: 'write' } },
    ])
  })

  it('a listing cut short is not taken for the whole list', () => {
    expect(() => parseShopListing('laden\t{"domain":"laden.example.com"}\t\nhal')).toThrow(
      expect.objectContaining({ code: 'connection_lost', say: { key: 'listCut' } }) as Error,
    )
    expect(() => parseShopListing('')).toThrow()
  })
})
