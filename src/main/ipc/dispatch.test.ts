import { describe, expect, it } from 'vitest'
import { AppError, unwrapEnvelope, type Envelope } from '@shared/errors'
import { defaultSettings } from '@shared/settings'
import { createAppDispatch, createHandlers, createServices } from '../services'
import type { KeyValueStore } from '../settings/settings-service'
import { Keychain } from '../vault/keychain'
import { createDispatch, type InvokeHandlers } from './dispatch'

function memoryStore(): KeyValueStore {
  const data = new Map<string, unknown>()
  return { get: (key) => data.get(key), set: (key, value) => void data.set(key, value) }
}

function realDispatch() {
  const services = createServices({
    store: memoryStore(),
    keychain: new Keychain({ load: () => Promise.reject(new Error('no keychain in unit tests')) }),
    localDockerSocket: '/nonexistent/docker.sock',
    bundledTemplatesDir: '/nonexistent/templates',
    traefikDir: '/nonexistent/traefik',
    openDrafts: () => Object.assign(memoryStore(), { path: '/nonexistent/drafts.json' }),
    draftsPath: '/nonexistent/drafts.json',
    userName: 'unit',
    appInfo: { name: 'Shop-Manager', version: '0.0.0', platform: 'linux', dataDir: '/tmp/x' },
  })
  return { services, dispatch: createAppDispatch(services) }
}

describe('contract validation', () => {
  it.each([
    ['a locale the app does not speak', { locale: 'fr' }, 'locale'],
    ['a wrong type', { theme: 42 }, 'theme'],
    ['an unknown key', { locale: 'de', nodeIntegration: true }, '(input)'],
    ['an empty host id', { activeHostId: '' }, 'activeHostId'],
    ['not an object', 'de', '(input)'],
  ])('rejects settings:update with %s and names the field', async (_label, input, field) => {
    const { dispatch } = realDispatch()
    const result = await dispatch('settings:update', input)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('invalid_input')
    expect(result.error.fields?.map((f) => f.path)).toContain(field)
  })

  it('rejects input on a channel that takes none', async () => {
    const { dispatch } = realDispatch()
    const result = await dispatch('settings:get', { sneaky: true })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('rejects a channel outside the contract without running anything', async () => {
    const { dispatch } = realDispatch()
    const result = await dispatch('shell:exec', 'rm -rf /')
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_channel' } })
  })

  it('passes valid input to the service and returns its value', async () => {
    const { dispatch, services } = realDispatch()
    const result = await dispatch('settings:update', { locale: 'en' })
    expect(result).toEqual({ ok: true, value: { ...defaultSettings, locale: 'en' } })
    expect(services.settings.get().locale).toBe('en')
  })
})

describe('error envelope', () => {
  const failing = (error: unknown): InvokeHandlers => ({
    ...createHandlers(realDispatch().services),
    'app:info': () => {
      throw error
    },
  })

  it('turns a thrown service error into a typed error on the renderer side', async () => {
    const dispatch = createDispatch(failing(new AppError('not_found', 'Host "hetzner-1" is not configured.')), () => null)
    const envelope = (await dispatch('app:info', undefined)) as Envelope<unknown>
    // The envelope is what crosses the bridge: plain data, structured-clone safe.
    expect(JSON.parse(JSON.stringify(envelope))).toEqual(envelope)
    let caught: unknown
    try {
      unwrapEnvelope(envelope)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AppError)
    expect(caught).toMatchObject({ code: 'not_found', message: 'Host "hetzner-1" is not configured.' })
  })

  it('hides the detail of an unexpected failure from the renderer but logs it', async () => {
    const logged: unknown[] = []
    const dispatch = createDispatch(failing(new Error('ECONNRESET at /home/anna/.ssh/id_ed25519')), () => null, {
      error: (_message, detail) => logged.push(detail),
    })
    const envelope = await dispatch('app:info', undefined)
    expect(envelope).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(JSON.stringify(envelope)).not.toContain('id_ed25519')
    expect(logged).toHaveLength(1)
    expect(() => unwrapEnvelope(envelope)).toThrow(AppError)
  })

  it('yields a usable error even from a malformed envelope', () => {
    expect(() => unwrapEnvelope({ ok: false, error: { code: 'bogus' } } as never)).toThrow(expect.objectContaining({ code: 'internal' }) as Error)
  })

  it('refuses every admin channel for a sales profile before its handler runs, and lets sales start and restart', async () => {
    const called: string[] = []
    const handlers = new Proxy({} as InvokeHandlers, { get: (_t, channel: string) => () => (called.push(channel), null) })
    const dispatch = createDispatch(handlers, (hostId) => (hostId === 'sales-host' ? 'sales' : hostId === 'admin-host' ? 'admin' : null))
    const shop = { hostId: 'sales-host', shop: 'laden' }
    const refused: Array<[string, unknown]> = [
      ['shops:backup', shop],
      ['shops:restore', { ...shop, backupId: '2026-11-22T23-15-00Z', confirm: 'laden' }],
      ['shops:restoreNew', { ...shop, backupId: '2026-11-22T23-15-00Z', name: 'neu', domain: 'neu.example.com' }],
      ['shops:backupTransfer', { ...shop, direction: 'download', backupId: '2026-11-22T23-15-00Z' }],
      ['shops:update', { ...shop, image: 'shop:2' }],
      ['shops:edit', { ...shop, description: '', domain: 'laden.example.com', params: {}, image: null }],
      ['shops:action', { ...shop, action: 'stop' }],
      ['shops:action', { ...shop, action: 'delete', confirm: 'laden' }],
      ['team:list', { hostId: 'sales-host' }],
      ['team:add', { hostId: 'sales-host', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample' }],
      ['team:setRole', { hostId: 'sales-host', fingerprint: `SHA256:${'A'.repeat(43)}`, role: 'admin' }],
      ['templates:install', { hostId: 'sales-host', templateId: 'busybox' }],
      ['hosts:setupPreview', { hostId: 'sales-host', acmeEmail: 'it@example.com' }],
      ['hosts:setupApply', { hostId: 'sales-host', planId: '7d3f4b43-5a2c-4b7e-9a51-2f1f0c3a9e10' }],
      ['hosts:exportConnection', { hostId: 'sales-host' }],
    ]
    for (const [channel, input] of refused) {
      expect(await dispatch(channel, input), channel).toMatchObject({ ok: false, error: { code: 'forbidden', say: { key: 'adminOnly' } } })
    }
    expect(called).toEqual([])
    expect(await dispatch('shops:action', { ...shop, action: 'restart' })).toEqual({ ok: true, value: null })
    expect(await dispatch('shops:backup', { hostId: 'admin-host', shop: 'laden' })).toEqual({ ok: true, value: null })
    // An admin channel naming a host there is no profile of is refused too, not run.
    expect(await dispatch('shops:backup', { hostId: 'gone', shop: 'laden' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    // Importing a connection file is for the laptop that has no host yet: no role to check.
    expect(await dispatch('hosts:importConnection', { text: '{}' })).toEqual({ ok: true, value: null })
    expect(called).toEqual(['shops:action', 'shops:backup', 'hosts:importConnection'])
  })
})
