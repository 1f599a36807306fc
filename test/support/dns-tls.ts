// A real DNS server (dnsmasq on a high loopback port) and an HTTPS server with certificates from a throw-away
// test CA (openssl), for checking domains without the internet.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSecureContext } from 'node:tls'

export interface DnsRecord {
  name: string
  addresses: string[]
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** dnsmasq answering only for `records` (no upstream, no /etc/hosts; authoritative for .test, so a missing name or type is NXDOMAIN/NODATA, not REFUSED); resolves once it answers. */
export async function startDnsmasq(records: readonly DnsRecord[]): Promise<{ server: string; stop: () => void }> {
  const port = await freeUdpPort()
  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--listen-address=127.0.0.1',
    '--bind-interfaces',
    `--port=${port}`,
    '--user=root',
    '--pid-file=',
    '--local=/test/',
  ]
  for (const record of records) args.push(`--host-record=${[record.name, ...record.addresses].join(',')}`)
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const server = `127.0.0.1:${port}`
  const { Resolver } = await import('node:dns/promises')
  const resolver = new Resolver({ timeout: 200, tries: 1 })
  resolver.setServers([server])
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr}`)
    try {
      await resolver.resolve4(records[0]?.name ?? 'example.test')
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTFOUND' || (error as NodeJS.ErrnoException).code === 'ENODATA') break
      if (i > 50) throw new Error(`dnsmasq does not answer on ${server}: ${stderr}`, { cause: error })
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return { server, stop: () => void child.kill('SIGTERM') }
}

export interface TestCa {
  /** The CA certificate, PEM: trust it to make its certificates valid. */
  cert: string
  /** A certificate for `names` signed by this CA (or self-signed with `selfSigned`), with its key. */
  issue(names: readonly string[], options?: { commonName?: string; selfSigned?: boolean }): { cert: string; key: string }
  dispose(): void
}

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'test-ca-'))
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/O=Shop-Manager Test CA/CN=Shop-Manager Test CA',
  )
  let serial = 0
  return {
    cert: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    issue(names, options = {}) {
      const id = `leaf${++serial}`
      const subject = `/CN=${options.commonName ?? names[0] ?? 'leaf'}`
      writeFileSync(join(dir, `${id}.ext`), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`)
      if (options.selfSigned) {
        openssl(
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          `${id}.key`,
          '-out',
          `${id}.crt`,
          '-days',
          '1',
          '-subj',
          subject,
          '-addext',
          `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
        )
      } else {
        openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', subject)
        openssl(
          'x509',
          '-req',
          '-in',
          `${id}.csr`,
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-set_serial',
          String(1000 + serial),
          '-out',
          `${id}.crt`,
          '-days',
          '1',
          '-extfile',
          `${id}.ext`,
        )
      }
      return { cert: readFileSync(join(dir, `${id}.crt`), 'utf8'), key: readFileSync(join(dir, `${id}.key`), 'utf8') }
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export interface HttpsSite {
  names: string[]
  cert: string
  key: string
  status: number
}

/** One HTTPS server on 127.0.0.1 serving several sites by SNI, each answering `/` with its status. */
export async function startHttpsServer(sites: readonly HttpsSite[], fallback: HttpsSite): Promise<{ port: number; stop: () => Promise<void> }> {
  const contexts = sites.flatMap((site) => site.names.map((name) => [name, createSecureContext({ cert: site.cert, key: site.key })] as const))
  const byName = new Map(contexts)
  const statusOf = new Map(sites.flatMap((site) => site.names.map((name) => [name, site.status] as const)))
  const server: Server = createServer({ cert: fallback.cert, key: fallback.key, SNICallback: (name, done) => done(null, byName.get(name)) }, (req, res) => {
    res.statusCode = statusOf.get(String(req.headers.host ?? '')) ?? fallback.status
    res.end('shop')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as AddressInfo).port, stop: () => new Promise((resolve) => server.close(() => resolve())) }
}
