import { describe, expect, it } from 'vitest'
import type { AppError } from './errors'
import { decodeGateRequest, encodeGateRequest, GATE_COMMAND, MAX_GATE_COMMAND, parseGateLine, type GateRequestInput } from './gate-protocol'

const raw = (json: unknown): string => `${GATE_COMMAND} ${Buffer.from(JSON.stringify(json)).toString('base64url')}`
const refusal = (command: string | undefined): AppError => {
  try {
    decodeGateRequest(command)
  } catch (error) {
    return error as AppError
  }
  throw new Error(`accepted: ${command}`)
}
const create = (change: Record<string, unknown>) =>
  raw({ op: 'create', name: 'neu', templateId: 'busybox', domain: 'neu.shops.example', params: {}, ...change })

describe('gate protocol: encode and decode', () => {
  it.each<GateRequestInput>([
    { op: 'hello' },
    { op: 'list' },
    { op: 'watch' },
    {
      op: 'create',
      name: 'neu',
      templateId: 'busybox',
      domain: 'neu.shops.example',
      params: { greeting: 'Grüß Gott – 😀', languages: ['de'] },
      description: 'Kunde "Listig" `x` $(y)',
    },
    { op: 'start', shop: 'mueller' },
    { op: 'restart', shop: 'mueller' },
    { op: 'logs', shop: 'mueller', service: 'web', tail: 20 },
    { op: 'follow', shop: 'mueller' },
    { op: 'clone', source: 'mueller', name: 'kopie', domain: 'kopie.shops.example' },
    { op: 'revealLogin', shop: 'mueller', secretId: 'admin_password' },
    { op: 'domainCheck', domain: 'Shop.Kunde.example' },
  ])('%j survives the trip', (request) => {
    const command = encodeGateRequest(request)
    expect(command).toMatch(/^shopmgr-gate-v1 [A-Za-z0-9_-]+$/)
    expect(decodeGateRequest(command)).toMatchObject(request)
  })

  it('fills in the defaults the app fills in (tail, start, description)', () => {
    expect(decodeGateRequest(raw({ op: 'logs', shop: 'mueller' }))).toEqual({ op: 'logs', shop: 'mueller', tail: 500 })
    expect(decodeGateRequest(create({}))).toMatchObject({ start: true, description: '' })
  })

  it('the client cannot encode what the host would refuse', () => {
    expect(() => encodeGateRequest({ op: 'start', shop: 'Mueller' })).toThrow()
    expect(() => encodeGateRequest({ op: 'stop', shop: 'mueller' } as unknown as GateRequestInput)).toThrow()
    expect(() =>
      encodeGateRequest({
        op: 'create',
        name: 'neu',
        templateId: 'busybox',
        domain: 'neu.shops.example',
        description: 'x'.repeat(2000),
        params: {
          greeting: 'y'.repeat(2000),
          a: 'z'.repeat(2000),
          b: 'z'.repeat(2000),
          c: 'z'.repeat(2000),
          d: 'z'.repeat(2000),
          e: 'z'.repeat(2000),
          f: 'z'.repeat(2000),
        },
      }),
    ).toThrow(/larger/)
  })
})

describe('gate protocol: hostile input of the create tests is refused by the host itself', () => {
  it.each([
    ['a name with a quote', { name: "mue'ller" }, 'name'],
    ['a name with a slash', { name: '../etc' }, 'name'],
    ['a reserved name', { name: 'traefik' }, 'name'],
    ['a name with a leading digit', { name: '42shop' }, 'name'],
    ['a long name', { name: 'a'.repeat(31) }, 'name'],
    ['a name with umlauts', { name: 'müller' }, 'name'],
    ['a domain that leaves the Host() rule', { domain: 'a.example.com`) || Host(`evil.com' }, 'domain'],
    ['a domain with a newline and YAML', { domain: 'a.example.com\n    privileged: true' }, 'domain'],
    ['a domain that is an IP', { domain: '1.2.3.4' }, 'domain'],
    ['a one-label domain', { domain: 'localhost' }, 'domain'],
    ['a template id that climbs out', { templateId: '..' }, 'templateId'],
    ['a template path', { templateId: '../../etc' }, 'templateId'],
    ['an image with a space', { image: 'busybox; rm -rf /' }, 'image'],
    ['an image with a newline', { image: 'busybox\nprivileged: true' }, 'image'],
    ['a parameter that is an object', { params: { greeting: { $ne: 1 } } }, 'params.greeting'],
    ['a parameter list with a number', { params: { languages: ['de', 1] } }, 'params.languages'],
    ['compose content', { compose: 'services: { x: { privileged: true } }' }, '(request)'],
  ])('%s', (_label, change, path) => {
    const error = refusal(create(change))
    expect(error.code).toBe('invalid_input')
    expect(error.fields?.map((f) => f.path)).toContain(path)
  })

  it.each([
    ['start', { op: 'start', shop: 'mueller; docker rm -f x' }],
    ["the proxy's logs (a reserved name beside the shops)", { op: 'logs', shop: 'traefik' }],
    ['a restart of the proxy', { op: 'restart', shop: 'traefik' }],
    ['a clone of the proxy', { op: 'clone', source: 'traefik', name: 'kopie', domain: 'kopie.shops.example' }],
    ['logs of a service with a path', { op: 'logs', shop: 'mueller', service: '../../etc/passwd' }],
    ['logs with a huge tail', { op: 'logs', shop: 'mueller', tail: 1e9 }],
    ['reveal with a hostile secret id', { op: 'revealLogin', shop: 'mueller', secretId: 'ADMIN' }],
    ['clone from a bad source', { op: 'clone', source: 'Mueller', name: 'kopie', domain: 'kopie.shops.example' }],
    ['a domain check of 400 characters', { op: 'domainCheck', domain: 'a'.repeat(400) }],
  ])('%s', (_label, request) => {
    expect(refusal(raw(request)).code).toBe('invalid_input')
  })

  it('refuses a command over the size bound before decoding it', () => {
    const error = refusal(`${GATE_COMMAND} ${'A'.repeat(MAX_GATE_COMMAND)}`)
    expect(error.say).toMatchObject({ key: 'gateBadRequest', values: { reason: expect.stringContaining('larger') } })
  })
})

describe('gate protocol: output lines', () => {
  it('parses the four kinds and refuses anything else', () => {
    expect(parseGateLine('{"type":"result","value":null}')).toEqual({ type: 'result', value: null })
    expect(parseGateLine('{"type":"error","code":"forbidden","message":"no","say":{"key":"gateForbidden","values":{"op":"stop"}}}')).toMatchObject({
      code: 'forbidden',
    })
    expect(parseGateLine('{"type":"event","event":{"lines":[]}}')).toMatchObject({ type: 'event' })
    expect(parseGateLine('{"type":"progress","operation":{"id":"x"}}')).toMatchObject({ type: 'progress' })
    expect(parseGateLine('{"type":"shell","value":1}')).toBeNull()
    expect(parseGateLine('bash: docker: command not found')).toBeNull()
  })
})
