import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { renderTraefikStack, type TraefikStackInput } from './traefik-stack'

const source = resolve(import.meta.dirname, '../../../traefik')
const base: TraefikStackInput = { acmeEmail: 'ops@example.com', mode: 'per-shop', shopDomain: 'shops.example.com', hetznerToken: null }
const file = async (input: TraefikStackInput, path: string) => (await renderTraefikStack(source, input)).find((f) => f.path === path)!

describe('the Traefik stack', () => {
  it("per shop: TLS challenge, the seed's entry points and metrics, dashboard off, Docker socket read-only", async () => {
    const config = parse((await file(base, 'traefik.yml')).content)
    expect(config.certificatesResolvers.letsencrypt.acme).toMatchObject({ email: 'ops@example.com', tlsChallenge: {}, storage: '/letsencrypt/acme.json' })
    expect(config.api.dashboard).toBe(false)
    expect(config.providers.docker.exposedByDefault).toBe(false)
    expect(config.entryPoints.web.http.redirections.entryPoint).toEqual({ to: 'websecure', scheme: 'https' })
    expect(config.entryPoints.metrics.address).toBe(':8899')
    const compose = parse((await file(base, 'docker-compose.yml')).content)
    expect(compose.services.traefik.image).toMatch(/^traefik:v3\.(6\.([7-9]|\d\d)|([7-9]|\d\d)\.)/)
    expect(compose.services.traefik.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock:ro')
    expect(compose.networks.proxy).toEqual({ external: true, name: 'proxy' })
    expect(compose.volumes.acme.name).toBe('traefik_acme')
    expect(JSON.stringify(compose)).not.toMatch(/HETZNER_API_TOKEN"?:\s*"?[^/]/)
    expect((await file(base, 'hetzner_token')).content).toBe('')
  })

  it('wildcard: DNS challenge with Hetzner and one certificate for *.<shop domain>; the token only in its 0600 file', async () => {
    const input = { ...base, mode: 'wildcard' as const, hetznerToken: 'tok-123' }
    const config = parse((await file(input, 'traefik.yml')).content)
    expect(config.certificatesResolvers.letsencrypt.acme.dnsChallenge).toEqual({ provider: 'hetzner' })
    expect(config.certificatesResolvers.letsencrypt.acme.tlsChallenge).toBeUndefined()
    expect(config.entryPoints.websecure.http.tls.domains).toEqual([{ main: 'shops.example.com', sans: ['*.shops.example.com'] }])
    const files = await renderTraefikStack(source, input)
    expect(files.find((f) => f.path === 'hetzner_token')).toMatchObject({ content: 'tok-123\n', mode: 0o600, secret: true })
    expect(files.filter((f) => f.path !== 'hetzner_token').some((f) => f.content.includes('tok-123'))).toBe(false)
  })

  it('refuses a bad e-mail, and wildcard mode without domain or token', async () => {
    await expect(renderTraefikStack(source, { ...base, acmeEmail: 'nope' })).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(renderTraefikStack(source, { ...base, mode: 'wildcard', hetznerToken: 'x', shopDomain: null })).rejects.toThrow(/shop domain/)
    await expect(renderTraefikStack(source, { ...base, mode: 'wildcard' })).rejects.toThrow(/token/)
  })
})
