import { describe, expect, it } from 'vitest'
import { registryFailure, registryProblem } from './registry-errors'

// What Docker Engine answers a pull with, as it words each case (moby 20 to 28).
const ENGINE_SAYS = {
  noCredentials: 'Head "https://127.0.0.1:5443/v2/shopmgr/busybox/manifests/1.0": no basic auth credentials',
  wrongPassword: 'Head "https://127.0.0.1:5443/v2/shopmgr/busybox/manifests/1.0": unauthorized: authentication required',
  hubNoSuchRepo:
    "pull access denied for nosuchrepo, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
  noSuchTag: 'manifest for 127.0.0.1:5443/shopmgr/busybox:9.9 not found: manifest unknown: manifest unknown',
  refused: 'Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
  noSuchHost: 'Get "https://registry.nowhere.example/v2/": dial tcp: lookup registry.nowhere.example on 127.0.0.53:53: no such host',
  untrusted: 'Get "https://registry.example.com/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
}

describe('registryProblem', () => {
  it('reads what kind of refusal the Engine reported', () => {
    expect(registryProblem(ENGINE_SAYS.noCredentials)).toBe('denied')
    expect(registryProblem(ENGINE_SAYS.wrongPassword)).toBe('denied')
    expect(registryProblem(ENGINE_SAYS.hubNoSuchRepo)).toBe('denied')
    expect(registryProblem(ENGINE_SAYS.noSuchTag)).toBe('notFound')
    expect(registryProblem(ENGINE_SAYS.refused)).toBe('unreachable')
    expect(registryProblem(ENGINE_SAYS.noSuchHost)).toBe('unreachable')
    expect(registryProblem(ENGINE_SAYS.untrusted)).toBe('certificate')
    expect(registryProblem('something else entirely')).toBe('other')
  })

  it('goes by the HTTP status where there is one', () => {
    expect(registryProblem('', 401)).toBe('denied')
    expect(registryProblem('{"errors":[{"code":"NAME_UNKNOWN"}]}', 404)).toBe('notFound')
  })
})

describe('registryFailure', () => {
  const context = { image: '127.0.0.1:5443/shopmgr/busybox:1.0', registry: '127.0.0.1:5443' }

  it('tells a missing login from a refused one, on the image field', () => {
    expect(registryFailure('denied', { ...context, hasCredentials: false }, ENGINE_SAYS.noCredentials, 'invalid_input')).toMatchObject({
      code: 'invalid_input',
      fields: [{ path: 'image' }],
      say: { key: 'registryNoCredentials', values: { registry: '127.0.0.1:5443' } },
    })
    expect(registryFailure('denied', { ...context, hasCredentials: true }, ENGINE_SAYS.wrongPassword, 'invalid_input').say?.key).toBe('registryDenied')
  })

  it('quotes the registry’s reason, short', () => {
    const failure = registryFailure('unreachable', { ...context, hasCredentials: false }, `${ENGINE_SAYS.refused}\n${'x'.repeat(400)}`, 'registry_failed')
    expect(failure.say?.values?.['reason']).toMatch(/^Get "https:\/\/127\.0\.0\.1:5999\/v2\/": dial tcp .*…$/)
    expect(String(failure.say?.values?.['reason']).length).toBeLessThanOrEqual(241)
  })
})
