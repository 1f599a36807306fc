import { describe, expect, it } from 'vitest'
import { sameOrigin } from '../navigation-policy'
import { isTrustedSender, type SenderFrame } from './sender-check'

// The packaged app's origin (APP_ORIGIN in app-protocol.ts, which needs Electron to load).
const isAppUrl = sameOrigin('app://shop-manager')
const ownPage = 'app://shop-manager/index.html#/shops'
const top = (url: string): SenderFrame => ({ url, parent: null })

describe('isTrustedSender', () => {
  it('refuses a call without a frame (navigated away or destroyed)', () => {
    expect(isTrustedSender(null, isAppUrl)).toBe(false)
    expect(isTrustedSender(undefined, isAppUrl)).toBe(false)
  })

  it('refuses a subframe even when it shows our own page', () => {
    expect(isTrustedSender({ url: ownPage, parent: top(ownPage) }, isAppUrl)).toBe(false)
    expect(isTrustedSender({ url: ownPage, parent: top('https://evil.example/') }, isAppUrl)).toBe(false)
  })

  it.each([
    ['a foreign https page', 'https://evil.example/'],
    ['a local file', 'file:///etc/passwd'],
    ['our scheme with another host', 'app://evil.example/index.html'],
    ['our scheme with a look-alike host', 'app://shop-manager.evil.example/index.html'],
    ['our host on another scheme', 'https://shop-manager/index.html'],
    ['a data: URL', 'data:text/html,<script>api.invoke("hosts:remove")</script>'],
    ['about:blank', 'about:blank'],
    ['an empty URL', ''],
  ])('refuses the top frame of %s', (_label, url) => {
    expect(isTrustedSender(top(url), isAppUrl)).toBe(false)
  })

  it('accepts only our own page in its top frame', () => {
    expect(isTrustedSender(top(ownPage), isAppUrl)).toBe(true)
    expect(isTrustedSender(top('app://shop-manager/'), isAppUrl)).toBe(true)
  })
})
