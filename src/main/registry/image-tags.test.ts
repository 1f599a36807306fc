// The tag list against a registry that authenticates as Docker Hub and GHCR do (a Bearer challenge, a token service
// asked with Basic credentials, Link pagination), served over TLS by a certificate of its own.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listImageTags, newestFirst } from './image-tags'
import type { RegistryAccess } from './registry-accounts'

const TAGS = ['1.0', '1.1', '1.10', '1.9', 'latest']
const CREATED: Record<string, string> = {
  '1.0': '2026-01-01T00:00:00Z',
  '1.1': '2026-02-01T00:00:00Z',
  '1.9': '2026-03-01T00:00:00Z',
  latest: '2026-03-01T00:00:00Z',
}
const TOKEN = 'token-for-acme-shop'

let server: Server
let host: string
let ca: string
const asked: string[] = []

function certificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'shopmgr-registry-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  )
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }
}

beforeAll(async () => {
  const pair = certificate()
  ca = pair.cert
  server = createServer(pair, (req, res) => {
    const url = new URL(req.url ?? '/', `https://${host}`)
    asked.push(`${url.pathname}${url.search}`)
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(body))
    }
    if (url.pathname === '/token') {
      const basic = Buffer.from('ci:geheim').toString('base64')
      if (req.headers.authorization !== `Basic ${basic}`) return json(401, { details: 'incorrect username or password' })
      return json(200, { token: TOKEN, access_token: TOKEN, expires_in: 300 })
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      const scope = url.pathname.startsWith('/v2/acme/missing/') ? 'repository:acme/missing:pull' : 'repository:acme/shop:pull'
      return json(
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'www-authenticate': `Bearer realm="https://${host}/token",service="registry.test",scope="${scope}"`,
        },
      )
    }
    if (url.pathname === '/v2/acme/missing/tags/list')
      return json(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] })
    if (url.pathname === '/v2/acme/shop/tags/list') {
      const n = Number(url.searchParams.get('n') ?? TAGS.length)
      const last = url.searchParams.get('last')
      const from = last ? TAGS.indexOf(last) + 1 : 0
      const page = TAGS.slice(from, from + n)
      const more = from + n < TAGS.length
      return json(200, { name: 'acme/shop', tags: page }, more ? { link: `</v2/acme/shop/tags/list?n=${n}&last=${page.at(-1)}>; rel="next"` } : {})
    }
    const manifest = /^\/v2\/acme\/shop\/manifests\/(.+)$/.exec(url.pathname)
    if (manifest) {
      const tag = manifest[1]!
      return json(
        200,
        {
          schemaVersion: 2,
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          config: {
            mediaType: 'application/vnd.docker.container.image.v1+json',
            size: 10,
            digest: `sha256:${Buffer.from(tag).toString('hex').padEnd(64, '0')}`,
          },
          layers: [],
        },
        { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
      )
    }
    const blob = /^\/v2\/acme\/shop\/blobs\/sha256:([0-9a-f]+)$/.exec(url.pathname)
    if (blob) {
      const tag = Buffer.from(blob[1]!.replace(/(00)+$/, ''), 'hex').toString()
      return json(200, CREATED[tag] ? { created: CREATED[tag], architecture: 'amd64', os: 'linux' } : { architecture: 'amd64', os: 'linux' })
    }
    return json(404, { errors: [{ code: 'NOT_FOUND' }] })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const access = (credentials: RegistryAccess['credentials'], withCa = true): RegistryAccess => ({ host, credentials, ca: withCa ? ca : null })

describe('listImageTags', () => {
  it('follows the Bearer challenge to the token service and every Link page; dated tags first, newest on top', async () => {
    asked.length = 0
    const found = await listImageTags(`${host}/acme/shop:1.0`, access({ username: 'ci', password: 'geheim' }), { pageSize: 2 })
    expect(found.image).toBe(`${host}/acme/shop`)
    expect(found.complete).toBe(true)
    // 1.9 and latest share a time: the higher name first. 1.10 has no time in its config: after the dated ones.
    expect(found.tags).toEqual([
      { tag: 'latest', created: '2026-03-01T00:00:00.000Z' },
      { tag: '1.9', created: '2026-03-01T00:00:00.000Z' },
      { tag: '1.1', created: '2026-02-01T00:00:00.000Z' },
      { tag: '1.0', created: '2026-01-01T00:00:00.000Z' },
      { tag: '1.10', created: null },
    ])
    expect(asked.filter((path) => path.startsWith('/v2/acme/shop/tags/list'))).toContain('/v2/acme/shop/tags/list?n=2&last=1.1')
  })

  it('says the registry refused the credentials, and that it wants some when there were none', async () => {
    await expect(listImageTags(`${host}/acme/shop`, access({ username: 'ci', password: 'falsch' }))).rejects.toMatchObject({
      code: 'registry_failed',
      say: { key: 'registryDenied', values: { registry: host } },
    })
    await expect(listImageTags(`${host}/acme/shop`, access(null))).rejects.toMatchObject({ say: { key: 'registryNoCredentials' } })
  })

  it('says an image the registry does not know does not exist', async () => {
    await expect(listImageTags(`${host}/acme/missing`, access({ username: 'ci', password: 'geheim' }))).rejects.toMatchObject({
      say: { key: 'imageNotFound', values: { image: `${host}/acme/missing` } },
    })
  })

  it('refuses a certificate it cannot check, and says so', async () => {
    await expect(listImageTags(`${host}/acme/shop`, access({ username: 'ci', password: 'geheim' }, false))).rejects.toMatchObject({
      say: { key: 'registryCertificate' },
    })
  })

  it('says a registry that does not answer cannot be reached, within the timeout', async () => {
    const started = Date.now()
    await expect(listImageTags('127.0.0.1:9/acme/shop', { host: '127.0.0.1:9', credentials: null, ca: null }, { timeoutMs: 2000 })).rejects.toMatchObject({
      say: { key: 'registryUnreachable', values: { registry: '127.0.0.1:9' } },
    })
    expect(Date.now() - started).toBeLessThan(3000)
  })
})

describe('newestFirst', () => {
  it('puts undated tags after dated ones, highest version first', () => {
    const sorted = newestFirst([
      { tag: '2.9', created: null },
      { tag: '2.10', created: null },
      { tag: 'old', created: '2020-01-01T00:00:00.000Z' },
    ])
    expect(sorted.map((t) => t.tag)).toEqual(['old', '2.10', '2.9'])
  })
})
