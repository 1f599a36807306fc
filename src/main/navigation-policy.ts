// Pure rules for what the window may load or open; kept apart from Electron so they are unit-tested.
import { isAbsolute, join, normalize, relative } from 'node:path'

/**
 * What opens in the system browser: https anywhere; plain http only on this machine (`localhost`, `*.localhost`,
 * 127.0.0.1), where a Local Docker shop answers on its own port with no certificate (see shops/shop-routing.ts).
 */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    if (parsed.protocol === 'https:') return true
    const host = parsed.hostname
    return parsed.protocol === 'http:' && !parsed.username && !parsed.password && (host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1')
  } catch {
    return false
  }
}

const originKey = (url: URL): string => `${url.protocol}//${url.host}`

/** True for URLs on exactly this origin (scheme, host and port), never for look-alikes. Works for app:// too. */
export function sameOrigin(origin: string): (url: string) => boolean {
  const expected = originKey(new URL(origin))
  return (url) => {
    try {
      return originKey(new URL(url)) === expected
    } catch {
      return false
    }
  }
}

/** Maps a request path to a file under `root`, refusing anything that escapes it. */
export function resolveAppPath(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath === '/' || urlPath === '' ? '/index.html' : urlPath)
  } catch {
    return null
  }
  const file = normalize(join(root, decoded))
  const rel = relative(root, file)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null
  return file
}
