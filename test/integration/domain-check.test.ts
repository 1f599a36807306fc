// The domain check against a real DNS server (dnsmasq on loopback) and an HTTPS server with a test CA: every
// outcome a salesperson can meet, worded by code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkDomain, type DomainCheckOptions } from '../../src/main/dns/domain-check'
import { createTestCa, startDnsmasq, startHttpsServer, type TestCa } from '../support/dns-tls'

const HOST = '127.0.0.1'

describe('domain check with dnsmasq and a test CA', () => {
  let ca: TestCa
  let dns: { server: string; stop: () => void }
  let https: { port: number; stop: () => Promise<void> }
  let options: DomainCheckOptions

  beforeAll(async () => {
    ca = createTestCa()
    dns = await startDnsmasq([
      { name: 'hansen.shops.test', addresses: [HOST] },
      { name: 'neu.shops.test', addresses: [HOST] },
      { name: 'falsch.shops.test', addresses: [HOST] },
      { name: 'fremd.shops.test', addresses: [HOST] },
      { name: 'kaputt.shops.test', addresses: [HOST] },
      { name: 'woanders.kunde.test', addresses: ['203.0.113.7'] },
      { name: 'halb.shops.test', addresses: [HOST, '2001:db8::8'] },
      { name: 'xn--bckerei-mller-bfb28a.shops.test', addresses: [HOST] },
    ])
    const valid = ca.issue(['hansen.shops.test', 'halb.shops.test', 'xn--bckerei-mller-bfb28a.shops.test'])
    https = await startHttpsServer(
      [
        { names: ['hansen.shops.test', 'halb.shops.test', 'xn--bckerei-mller-bfb28a.shops.test'], ...valid, status: 200 },
        // Traefik before its resolver has a certificate for the name.
        { names: ['neu.shops.test'], ...ca.issue(['traefik.default'], { commonName: 'TRAEFIK DEFAULT CERT', selfSigned: true }), status: 404 },
        { names: ['falsch.shops.test'], ...ca.issue(['anders.shops.test']), status: 200 },
        { names: ['fremd.shops.test'], ...ca.issue(['fremd.shops.test'], { selfSigned: true }), status: 200 },
        { names: ['kaputt.shops.test'], ...ca.issue(['kaputt.shops.test']), status: 502 },
      ],
      { names: [], ...valid, status: 404 },
    )
    options = { expected: [HOST], resolvers: [dns.server], port: https.port, ca: [ca.cert], timeoutMs: 3000 }
  })
  afterAll(async () => {
    dns?.stop()
    await https?.stop()
    ca?.dispose()
  })

  it('OK: points here, valid certificate for the name, page answers', async () => {
    const result = await checkDomain('Hansen.Shops.Test.', options)
    expect(result).toMatchObject({ domain: 'hansen.shops.test', verdict: 'ok', code: 'ok', httpStatus: 200, dns: { addresses: [HOST] } })
    expect(result.tls).toMatchObject({ issuer: 'Shop-Manager Test CA', names: expect.arrayContaining(['hansen.shops.test']) })
    expect(result.tls!.daysLeft).toBeGreaterThanOrEqual(0)
  })

  it('IDN names are checked as punycode', async () => {
    expect(await checkDomain('bäckerei-müller.shops.test', options)).toMatchObject({ code: 'ok', domain: 'xn--bckerei-mller-bfb28a.shops.test' })
  })

  it('a name that does not resolve, and one that points to another server', async () => {
    expect(await checkDomain('gibtsnicht.shops.test', options)).toMatchObject({ verdict: 'error', code: 'no_address' })
    expect(await checkDomain('woanders.kunde.test', options)).toMatchObject({ verdict: 'error', code: 'other_server', params: { addresses: '203.0.113.7' } })
    expect(await checkDomain('halb.shops.test', options)).toMatchObject({
      verdict: 'warning',
      code: 'partly_other_server',
      params: { addresses: '2001:db8::8' },
    })
  })

  it('certificate not issued yet, for another name, or from an untrusted issuer', async () => {
    expect(await checkDomain('neu.shops.test', options)).toMatchObject({ verdict: 'warning', code: 'cert_pending' })
    expect(await checkDomain('falsch.shops.test', options)).toMatchObject({ verdict: 'error', code: 'cert_wrong_name', params: { names: 'anders.shops.test' } })
    expect(await checkDomain('fremd.shops.test', options)).toMatchObject({ verdict: 'error', code: 'cert_untrusted' })
    // Without the test CA trusted, the valid one is untrusted too: the chain is really checked.
    expect(await checkDomain('hansen.shops.test', { ...options, ca: [] })).toMatchObject({ code: 'cert_untrusted' })
  })

  it('a page that answers with an error, nothing listening, a DNS server that does not answer', async () => {
    expect(await checkDomain('kaputt.shops.test', options)).toMatchObject({ verdict: 'warning', code: 'http_error', params: { status: '502' } })
    await https.stop().catch(() => undefined)
    const closed = await checkDomain('hansen.shops.test', options)
    expect(closed).toMatchObject({ verdict: 'error', code: 'unreachable', params: { reason: 'ECONNREFUSED' } })
    const silent = await checkDomain('hansen.shops.test', { ...options, resolvers: ['127.0.0.1:9'], timeoutMs: 500 })
    expect(silent).toMatchObject({ verdict: 'error', code: 'dns_failed' })
  })

  it('refuses what is not a domain before asking anyone', async () => {
    await expect(checkDomain('shop.test`) || Host(`evil', options)).rejects.toMatchObject({ code: 'invalid_input' })
  })
})
