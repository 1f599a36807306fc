// The Traefik stack for one host, rendered from the files in traefik/ by changing parsed YAML (never by
// pasting strings): the ACME e-mail, and per domain mode the TLS challenge or the Hetzner DNS challenge with
// a wildcard certificate for the host's shop domain.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { composeYaml } from '../templates/compose-yaml'
import { z } from 'zod'
import { AppError } from '@shared/errors'
import type { DomainMode } from '@shared/hosts'
import { isValidDomain } from '@shared/shop-rules'

export interface TraefikStackInput {
  acmeEmail: string
  mode: DomainMode
  /** The domain shops get sub-domains of; the wildcard certificate covers `*.<shopDomain>`. */
  shopDomain: string | null
  /** The Hetzner Cloud DNS token (wildcard mode); written as a 0600 file. */
  hetznerToken: string | null
  /** Replaces Traefik's image (tests: a local image, no registry). */
  image?: string
  /** Where the proxy listens on the host: all addresses on 80 and 443 unless said otherwise. */
  listen?: { address?: string; http?: number; https?: number }
}

export interface StackFile {
  /** Relative to the stack directory. */
  path: string
  content: string
  mode: number
  /** Never shown in a diff. */
  secret?: boolean
}

export const TOKEN_FILE = 'hetzner_token'
const COPIED = ['dynamic/security.yml', 'monitoring/prometheus.yml']

const emailSchema = z.email()

type Yaml = Record<string, unknown>
const at = (value: unknown, ...path: string[]): Yaml => {
  let node = value as Yaml
  for (const key of path) {
    node[key] ??= {}
    node = node[key] as Yaml
  }
  return node
}

export async function renderTraefikStack(sourceDir: string, input: TraefikStackInput): Promise<StackFile[]> {
  if (!emailSchema.safeParse(input.acmeEmail).success) {
    throw new AppError('invalid_input', `"${input.acmeEmail}" is not an e-mail address Let's Encrypt can use.`, {
      fields: [{ path: 'acmeEmail', message: 'not an e-mail address' }],
    })
  }
  if (input.mode === 'wildcard') {
    if (!input.shopDomain || !isValidDomain(input.shopDomain)) {
      throw new AppError('invalid_input', "Wildcard mode needs the host's shop domain (e.g. shops.example.com).", {
        fields: [{ path: 'shopDomain', message: 'required' }],
      })
    }
    if (!input.hetznerToken) {
      throw new AppError('invalid_input', 'Wildcard mode needs a Hetzner Cloud DNS token for the DNS challenge.', {
        fields: [{ path: 'hetznerToken', message: 'required' }],
      })
    }
  }
  const compose = parse(await readFile(join(sourceDir, 'compose.yaml'), 'utf8')) as Yaml
  const traefik = at(compose, 'services', 'traefik')
  if (input.image) traefik['image'] = input.image
  if (input.listen) {
    const bind = input.listen.address ? `${input.listen.address}:` : ''
    traefik['ports'] = [`${bind}${input.listen.http ?? 80}:80`, `${bind}${input.listen.https ?? 443}:443`]
  }

  const config = parse(await readFile(join(sourceDir, 'traefik.yml'), 'utf8')) as Yaml
  const acme = at(config, 'certificatesResolvers', 'letsencrypt', 'acme')
  acme['email'] = input.acmeEmail
  if (input.mode === 'wildcard') {
    delete acme['tlsChallenge']
    acme['dnsChallenge'] = { provider: 'hetzner' }
    at(config, 'entryPoints', 'websecure', 'http', 'tls')['domains'] = [{ main: input.shopDomain, sans: [`*.${input.shopDomain}`] }]
  }

  const copied = await Promise.all(COPIED.map(async (path) => ({ path, content: await readFile(join(sourceDir, path), 'utf8'), mode: 0o644 })))
  return [
    // The name both compose v1 and v2 find without -f.
    { path: 'docker-compose.yml', content: composeYaml(compose), mode: 0o644 },
    { path: 'traefik.yml', content: stringify(config, { lineWidth: 0 }), mode: 0o644 },
    ...copied,
    { path: TOKEN_FILE, content: input.mode === 'wildcard' ? `${input.hetznerToken}\n` : '', mode: 0o600, secret: true },
  ]
}
