import { describe, expect, it } from 'vitest'
import { defaultSettings, type Settings } from '@shared/settings'
import { EventBus } from '../events'
import { SettingsService } from './settings-service'

function setup(initial?: unknown) {
  const data = new Map<string, unknown>(initial === undefined ? [] : [['settings', initial]])
  const events = new EventBus()
  const seen: Settings[] = []
  events.on('settings:changed', (s) => seen.push(s))
  const service = new SettingsService({ get: (k) => data.get(k), set: (k, v) => void data.set(k, v) }, events)
  return { service, data, seen }
}

describe('SettingsService', () => {
  it('starts in German with the system theme', () => {
    expect(setup().service.get()).toEqual(defaultSettings)
  })

  it('survives a hand-edited store file with unknown values', () => {
    const { service } = setup({ locale: 'xx', theme: 7, activeHostId: 3, extra: true })
    expect(service.get()).toEqual(defaultSettings)
  })

  it('a hand-edited plain-http Hetzner URL to another machine is not used: the token would travel in clear text', () => {
    expect(setup({ hetznerApiUrl: 'http://dns.example.com/v1' }).service.get().hetznerApiUrl).toBe(defaultSettings.hetznerApiUrl)
    expect(setup({ hetznerApiUrl: 'http://127.0.0.1:8080/v1' }).service.get().hetznerApiUrl).toBe('http://127.0.0.1:8080/v1')
  })

  it('persists a change and announces it', () => {
    const { service, data, seen } = setup()
    const next = service.update({ locale: 'en', theme: 'dark' })
    expect(next).toEqual({
      locale: 'en',
      theme: 'dark',
      activeHostId: null,
      customTemplatesDir: null,
      helperImage: 'debian:bookworm-slim',
      gateNodeImage: 'node:22-bookworm-slim',
      backupsToKeep: 5,
      dnsResolvers: [],
      hetznerApiUrl: 'https://api.hetzner.cloud/v1',
    })
    expect(data.get('settings')).toEqual(next)
    expect(seen).toEqual([next])
  })

  it('moves a saved old default helper image (busybox, no GNU tar) on to the new default, and keeps any other', () => {
    const { service, data } = setup()
    data.set('settings', { helperImage: 'busybox:1.37' })
    expect(service.get().helperImage).toBe('debian:bookworm-slim')
    data.set('settings', { helperImage: 'registry.example/tools:1' })
    expect(service.get().helperImage).toBe('registry.example/tools:1')
  })
})
