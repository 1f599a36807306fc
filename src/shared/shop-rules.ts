// What a shop name and a shop domain may be; shared so the wizard validates as the user types.
export const SHOP_NAME_MAX = 30

/** Names that would collide with the host's own stacks or read as system addresses. */
export const reservedShopNames = new Set([
  'traefik',
  'proxy',
  'admin',
  'www',
  'api',
  'mail',
  'smtp',
  'ftp',
  'localhost',
  'docker',
  'portainer',
  'root',
  'default',
  'test',
])

export type ShopNameProblem = 'empty' | 'characters' | 'too_long' | 'reserved' | 'starts_with_digit'

/** Letters and digits only, lower-cased by the caller; null when the name is fine. */
export function shopNameProblem(name: string): ShopNameProblem | null {
  if (name.length === 0) return 'empty'
  if (!/^[a-z0-9]+$/.test(name)) return 'characters'
  if (name.length > SHOP_NAME_MAX) return 'too_long'
  if (/^[0-9]/.test(name)) return 'starts_with_digit'
  if (reservedShopNames.has(name)) return 'reserved'
  return null
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** A fully qualified host name in lower case (punycode for IDN), at least two labels, no trailing dot. */
export function isValidDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253) return false
  const labels = domain.split('.')
  return labels.length >= 2 && labels.every((label) => LABEL.test(label)) && !/^[0-9]+$/.test(labels.at(-1) ?? '')
}

/**
 * A domain as typed (any case, one trailing dot, umlauts) in the one form DNS, Traefik and TLS use: lower case,
 * punycode for IDN (`münchen-shop.de` → `xn--mnchen-shop-thb.de`), no trailing dot; null when it is no domain.
 * The WHATWG URL parser does the IDNA mapping, the same in the renderer and in Node.
 */
export function asciiDomain(input: string): string | null {
  const typed = input.trim().replace(/\.$/, '').toLowerCase()
  // Anything the URL parser would read as more than a host name (a path, a port, a user) is not a domain.
  if (typed === '' || /[\s/?#@:\\[\]%]/.test(typed)) return null
  let host: string
  try {
    host = new URL(`http://${typed}/`).hostname
  } catch {
    return null
  }
  return isValidDomain(host) ? host : null
}
