// The test bed's registries are real ones: TLS from the test bed's CA, Basic auth on the private one, anonymous
// reads on the public one, and pulls through the test bed's Docker Engine that need the credentials.
import { readFileSync } from 'node:fs'
import Docker from 'dockerode'
import { Agent, request } from 'undici'
import { afterAll, describe, expect, inject, it } from 'vitest'

const info = inject('testbed')
const { private: priv, public: pub } = info.registry
const trusting = new Agent({ connect: { ca: readFileSync(info.registry.caFile, 'utf8') } })
const docker = new Docker({ socketPath: info.dockerSocket })
const basic = `Basic ${Buffer.from(`${priv.username}:${priv.password}`).toString('base64')}`

afterAll(() => trusting.close())

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const res = await request(url, { dispatcher: trusting, headers })
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() }
}

/** Pulls through the engine, following its progress to the end; rejects with the engine's error. */
async function pull(ref: string, options: Record<string, unknown> = {}): Promise<void> {
  const stream = await docker.pull(ref, options)
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve())))
}

async function removeLocal(ref: string): Promise<void> {
  await docker
    .getImage(ref)
    .remove()
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error
    })
}

describe('the private registry', () => {
  const tagsUrl = `https://${priv.host}/v2/${priv.repository}/tags/list`

  it('asks for Basic credentials when there are none', async () => {
    const res = await get(tagsUrl)
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/)
    expect(JSON.parse(res.body)).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] })
  })

  it('refuses a wrong password', async () => {
    const wrong = `Basic ${Buffer.from(`${priv.username}:not-${priv.password}`).toString('base64')}`
    expect((await get(tagsUrl, { authorization: wrong })).status).toBe(401)
  })

  it('lists the repository’s tags for its user', async () => {
    const res = await get(tagsUrl, { authorization: basic })
    expect(res.status).toBe(200)
    const list = JSON.parse(res.body) as { name: string; tags: string[] }
    expect(list.name).toBe(priv.repository)
    expect(list.tags.toSorted()).toEqual(['test', ...priv.tags, priv.unhealthyTag].toSorted())
  })

  it('sends the whole tag list, in no set order, whatever n asks for (distribution 2.8 pages the catalog only)', async () => {
    const res = await get(`${tagsUrl}?n=2`, { authorization: basic })
    expect(res.status).toBe(200)
    expect((JSON.parse(res.body) as { tags: string[] }).tags).toHaveLength(priv.tags.length + 2)
    expect(res.headers['link']).toBeUndefined()
  })

  it('is served with a certificate from the test bed’s CA only: without it the TLS handshake is refused', async () => {
    const error = await request(`https://${priv.host}/v2/`).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    )
    expect(error?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  })

  it('gives the engine a tag that is not local when it brings the credentials', async () => {
    const ref = `${priv.host}/${priv.repository}:${priv.tags[0]}`
    await removeLocal(ref)
    await pull(ref, { authconfig: { username: priv.username, password: priv.password, serveraddress: priv.host } })
    const image = await docker.getImage(ref).inspect()
    expect(image.Config.Labels).toMatchObject({ 'shopmgr.testbed.tag': priv.tags[0] })
    expect(image.RepoDigests).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${priv.host}/${priv.repository}@sha256:`))]))
  })

  it('gives the engine nothing without credentials', async () => {
    const ref = `${priv.host}/${priv.repository}:${priv.tags[1]}`
    await removeLocal(ref)
    // Not on loopback (which the engine would count as insecure and retry over plain HTTP): the engine's own words.
    await expect(pull(ref)).rejects.toThrow(`Head "https://${priv.host}/v2/${priv.repository}/manifests/${priv.tags[1]}": no basic auth credentials`)
    await expect(docker.getImage(ref).inspect()).rejects.toMatchObject({ statusCode: 404 })
  })

  it('says the credentials are wrong when they are', async () => {
    const ref = `${priv.host}/${priv.repository}:${priv.tags[1]}`
    await expect(pull(ref, { authconfig: { username: priv.username, password: `not-${priv.password}`, serveraddress: priv.host } })).rejects.toThrow(
      'unauthorized: authentication required',
    )
  })

  it('says which manifest is unknown for a tag it does not have', async () => {
    const ref = `${priv.host}/${priv.repository}:no-such-tag`
    await expect(pull(ref, { authconfig: { username: priv.username, password: priv.password, serveraddress: priv.host } })).rejects.toThrow(
      `manifest for ${ref} not found: manifest unknown: manifest unknown`,
    )
  })
})

describe('a registry that is not there', () => {
  it('is reported with the address the engine dialled, plain HTTP last as for any loopback registry', async () => {
    await expect(pull('127.0.0.1:5999/shopmgr/busybox:1.0')).rejects.toThrow(
      'Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
    )
  })
})

describe('the public registry', () => {
  it('lists its tags to anyone', async () => {
    const res = await get(`https://${pub.host}/v2/${pub.repository}/tags/list`)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({ name: pub.repository, tags: ['test'] })
  })

  it('gives the engine its image without credentials', async () => {
    const ref = `${pub.host}/${pub.repository}:test`
    await removeLocal(ref)
    await pull(ref)
    expect((await docker.getImage(ref).inspect()).Id).toBe((await docker.getImage(info.image).inspect()).Id)
  })
})
