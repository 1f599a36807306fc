// The path every host operation takes, against the real test bed: OpenSSH with key auth and a pinned host
// key, then the Docker Engine API through a stream-local forward to the host's Docker socket, reached by
// a non-root user through the socket's group.
import { createHash, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import type { Duplex } from 'node:stream'
import Docker from 'dockerode'
import { Client, type ConnectConfig } from 'ssh2'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

const testbed = inject('testbed')

function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

/** Connects and resolves once authenticated; rejects with ssh2's error (handshake, auth, …). */
function connect(options: { privateKey: string; passphrase?: string; expectedFingerprint?: string }): Promise<Client> {
  const expected = options.expectedFingerprint ?? testbed.ssh.hostKeyFingerprint
  const config: ConnectConfig = {
    host: testbed.ssh.host,
    port: testbed.ssh.port,
    username: testbed.ssh.user,
    privateKey: readFileSync(options.privateKey),
    readyTimeout: 10_000,
    hostVerifier: (key: Buffer) => fingerprint(key) === expected,
    ...(options.passphrase ? { passphrase: options.passphrase } : {}),
  }
  return new Promise((resolve, reject) => {
    const client = new Client()
    client.once('ready', () => resolve(client))
    client.once('error', (error) => {
      client.end()
      reject(error)
    })
    client.connect(config)
  })
}

function forwardToDockerSocket(client: Client): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.openssh_forwardOutStreamLocal(testbed.dockerSocket, (error, stream) => (error ? reject(error) : resolve(stream)))
  })
}

/** One Engine API GET over a fresh SSH channel to the Docker socket. */
async function dockerGet(client: Client, path: string): Promise<{ status: number; body: string }> {
  const stream = await forwardToDockerSocket(client)
  return new Promise((resolve, reject) => {
    const req = request({ method: 'GET', path, headers: { host: 'docker' }, createConnection: () => stream }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('SSH to the test bed host', () => {
  it('pins the host key: a wrong fingerprint is refused before authentication', async () => {
    const wrong = fingerprint(Buffer.from('not the host key'))
    const error = await connect({ privateKey: testbed.ssh.keys.ed25519, expectedFingerprint: wrong }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(Error)
    expect((error as Error & { level?: string }).level).toBe('handshake')
  })

  it('records the fingerprint of the public host key it serves', () => {
    const blob = Buffer.from(testbed.ssh.hostKeyPublic.split(' ')[1] ?? '', 'base64')
    expect(fingerprint(blob)).toBe(testbed.ssh.hostKeyFingerprint)
  })

  it.each([
    ['an RSA key', () => ({ privateKey: testbed.ssh.keys.rsa })],
    ['an ed25519 key with its passphrase', () => ({ privateKey: testbed.ssh.keys.ed25519Passphrase, passphrase: testbed.ssh.passphrase })],
  ])('logs in with %s', async (_, options) => {
    const client = await connect(options())
    const output = await new Promise<string>((resolve, reject) => {
      client.exec('id -un', (error, channel) => {
        if (error) return reject(error)
        let out = ''
        channel.on('data', (chunk: Buffer) => (out += chunk.toString()))
        channel.on('close', () => resolve(out.trim()))
      })
    })
    client.end()
    expect(output).toBe(testbed.ssh.user)
  })

  it('does not log in with the passphrase key and a wrong passphrase', async () => {
    await expect(connect({ privateKey: testbed.ssh.keys.ed25519Passphrase, passphrase: 'wrong horse' })).rejects.toThrow()
  })
})

describe('Docker Engine API through a stream-local forward', () => {
  const local = new Docker({ socketPath: testbed.dockerSocket })
  const name = `shopmgr-it-${randomUUID().slice(0, 8)}`
  let client: Client

  beforeAll(async () => {
    const container = await local.createContainer({
      name,
      Image: testbed.image,
      Cmd: ['sleep', '300'],
      Labels: { 'shopmgr.test': 'ssh-docker' },
    })
    await container.start()
    client = await connect({ privateKey: testbed.ssh.keys.ed25519 })
  })

  afterAll(async () => {
    client?.end()
    await local
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined)
  })

  it('lists the running container as the SSH user sees it', async () => {
    const { status, body } = await dockerGet(client, '/v1.41/containers/json?all=1')
    expect(status).toBe(200)
    const containers = JSON.parse(body) as Array<{ Names: string[]; Image: string; State: string }>
    const ours = containers.find((c) => c.Names.includes(`/${name}`))
    expect(ours).toMatchObject({ Image: testbed.image, State: 'running' })
  })

  it('serves several API calls over channels of the one connection', async () => {
    const [version, info, image] = await Promise.all([
      dockerGet(client, '/v1.41/version'),
      dockerGet(client, '/v1.41/info'),
      dockerGet(client, `/v1.41/images/${encodeURIComponent(testbed.image)}/json`),
    ])
    expect(JSON.parse(version.body)).toMatchObject({ ApiVersion: expect.any(String) })
    expect(info.status).toBe(200)
    expect(image.status).toBe(200)
  })

  it('sees the container gone after it is removed', async () => {
    await local.getContainer(name).remove({ force: true })
    const { body } = await dockerGet(client, `/v1.41/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ name: [name] }))}`)
    expect(JSON.parse(body)).toEqual([])
  })
})
