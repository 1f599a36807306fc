import { describe, expect, it } from 'vitest'
import { isSafeExternalUrl, resolveAppPath, sameOrigin } from './navigation-policy'

describe('navigation policy', () => {
  it('opens only https links externally', () => {
    expect(isSafeExternalUrl('https://shop1.example.com/admin')).toBe(true)
    expect(isSafeExternalUrl('http://shop1.example.com')).toBe(false)
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false)
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false)
    expect(isSafeExternalUrl('not a url')).toBe(false)
  })

  it('opens plain http only on this machine, where a Local Docker shop answers on its own port', () => {
    expect(isSafeExternalUrl('http://hansen.localhost:8100')).toBe(true)
    expect(isSafeExternalUrl('http://hansen.localhost:8100/admin-shop')).toBe(true)
    expect(isSafeExternalUrl('http://127.0.0.1:8100/')).toBe(true)
    expect(isSafeExternalUrl('http://localhost.evil.example:8100')).toBe(false)
    expect(isSafeExternalUrl('http://hansen.localhost.evil.example/')).toBe(false)
    expect(isSafeExternalUrl('http://127.0.0.1.evil.example/')).toBe(false)
    expect(isSafeExternalUrl('http://user:pw@hansen.localhost:8100')).toBe(false)
    expect(isSafeExternalUrl('ftp://hansen.localhost/')).toBe(false)
  })

  it('recognises the app origin and rejects look-alikes', () => {
    const isApp = sameOrigin('app://shop-manager')
    expect(isApp('app://shop-manager/index.html#/hosts')).toBe(true)
    expect(isApp('app://shop-manager.evil/index.html')).toBe(false)
    expect(isApp('https://shop-manager/index.html')).toBe(false)
    const isDev = sameOrigin('http://localhost:5173/')
    expect(isDev('http://localhost:5173/#/shops')).toBe(true)
    expect(isDev('http://localhost:5174/')).toBe(false)
  })

  it('serves files only from inside the renderer folder', () => {
    expect(resolveAppPath('/app/renderer', '/')).toBe('/app/renderer/index.html')
    expect(resolveAppPath('/app/renderer', '/assets/index.js')).toBe('/app/renderer/assets/index.js')
    expect(resolveAppPath('/app/renderer', '/../main/index.js')).toBeNull()
    expect(resolveAppPath('/app/renderer', '/%2e%2e/%2e%2e/etc/passwd')).toBeNull()
    expect(resolveAppPath('/app/renderer', '/%E0%A4%A')).toBeNull()
  })
})
