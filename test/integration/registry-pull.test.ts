// Shops from the test bed's private registry, as the app pulls them: with this laptop's credentials sent along
// (nothing written on the host), the layers as progress, and each refusal in the user's words before anything
// of the shop exists. The image picker's tag list from the same registry.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { HostSession } from '../../src/main/host/host-session'
import { listImageTags } from '../../src/main/registry/image-tags'
import { shopBed, type ShopBed } from './support/shop-bed'

const info = inject('testbed')
const { private: priv, caFile } = info.registry
const login = { username: priv.username, password: priv.password, serveraddress: priv.host }
const ca = readFileSync(caFile, 'utf8')
let attempt = 0

describe('pulling a shop’s image from a private registry', () => {
  let bed: ShopBed
  let session: HostSession
  const image = (tag: string) => `${priv.host}/${priv.repository}:${tag}`
  /** The tag is on the registry only, not on the host's engine. */
  const onlyAtRegistry = (tag: string) => {
    try {
      bed.docker('rmi', image(tag))
    } catch {
      // not on the host
    }
  }

  beforeAll(() => {
    bed = shopBed(info, 'registry')
    session = bed.session()
  })
  afterAll(() => bed?.cleanup())

  it('pulls with the credentials sent along, shows the layers, and the shop runs that image', async () => {
    const tag = priv.tags[1]!
    onlyAtRegistry(tag)
    const name = `privat${++attempt}`
    const done = await bed.finished(bed.create(session, { name, image: image(tag) }, async () => login).id)
    expect(done.error).toBeUndefined()
    const pulled = bed.snapshots.filter((s) => s.id === done.id).map((s) => s.steps.find((step) => step.id === 'pull')!)
    // Its layers as the engine counted them (the test bed's tags share all but a small layer, which needs no byte count).
    const counted = pulled.filter((step) => step.note?.key === 'layers').at(-1)
    expect(counted?.note?.values).toMatchObject({ done: expect.any(Number), total: expect.any(Number) })
    expect(Number(counted?.note?.values?.['total'])).toBeGreaterThan(0)
    expect(counted?.note?.values?.['done']).toBe(counted?.note?.values?.['total'])
    expect(bed.docker('inspect', '-f', '{{index .Config.Labels "shopmgr.testbed.tag"}}', bed.container(name))).toBe(tag)
    // No `docker login` was left for the host's user: the credentials went with the request only.
    expect(existsSync(join(info.dir, 'home', info.ssh.user, '.docker', 'config.json'))).toBe(false)
  })

  it('without credentials: the registry wants a login, said before a directory exists', async () => {
    onlyAtRegistry(priv.tags[0]!)
    const name = `ohne${++attempt}`
    const done = await bed.finished(bed.create(session, { name, image: image(priv.tags[0]!) }).id)
    expect(done.error).toMatchObject({ step: 'pull', code: 'invalid_input', say: { key: 'registryNoCredentials', values: { registry: priv.host } } })
    expect(existsSync(join(bed.baseDir, name))).toBe(false)
  })

  it('with a wrong password: the registry refused it', async () => {
    onlyAtRegistry(priv.tags[0]!)
    const name = `falsch${++attempt}`
    const done = await bed.finished(bed.create(session, { name, image: image(priv.tags[0]!) }, async () => ({ ...login, password: 'falsch' })).id)
    expect(done.error).toMatchObject({ step: 'pull', say: { key: 'registryDenied', values: { reason: expect.stringContaining('unauthorized') } } })
    expect(existsSync(join(bed.baseDir, name))).toBe(false)
  })

  it('a tag the registry does not have is not found', async () => {
    const name = `fehlt${++attempt}`
    const done = await bed.finished(bed.create(session, { name, image: image('9.9') }, async () => login).id)
    expect(done.error).toMatchObject({ step: 'pull', say: { key: 'imageNotFound', values: { image: image('9.9') } } })
  })
})

describe('the tags of an image in the private registry', () => {
  it('lists them newest first, with the time each was built, for its user and its CA', async () => {
    const found = await listImageTags(`${priv.host}/${priv.repository}:test`, { host: priv.host, credentials: login, ca })
    const versions = found.tags.filter((t) => priv.tags.includes(t.tag))
    // Made oldest first by the test bed: 2.0 is the newest of them.
    expect(versions.map((t) => t.tag)).toEqual([...priv.tags].reverse())
    expect(versions.every((t) => t.created !== null)).toBe(true)
    expect(found.tags.map((t) => t.tag).sort()).toEqual(['test', ...priv.tags, priv.unhealthyTag].sort())
    expect(found.complete).toBe(true)
  })

  it('says the registry wants a login, and that its certificate is not trusted without the CA', async () => {
    await expect(listImageTags(`${priv.host}/${priv.repository}`, { host: priv.host, credentials: null, ca })).rejects.toMatchObject({
      say: { key: 'registryNoCredentials' },
    })
    await expect(listImageTags(`${priv.host}/${priv.repository}`, { host: priv.host, credentials: login, ca: null })).rejects.toMatchObject({
      say: { key: 'registryCertificate' },
    })
  })
})
