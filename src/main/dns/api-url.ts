// Where the Hetzner token may be sent: over https anywhere, over plain http only to this machine (loopback),
// where a test emulator or a local proxy listens. The settings schema says the same; this is checked again
// where a client is built, so a URL saved before the rule (or written into the settings file by hand) cannot
// send the token in clear text.
import { isIP } from 'node:net'
import { AppError } from '@shared/errors'

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.split('.')[0] === '127'
  return host === '::1' || host === '0:0:0:0:0:0:0:1'
}

/** Whether `url` may carry the token: https, or http to 127.0.0.0/8, ::1 or localhost. */
export function isSafeHetznerApiUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === 'https:') return true
  return parsed.protocol === 'http:' && isLoopback(parsed.hostname)
}

export function checkHetznerApiUrl(url: string): string {
  if (!isSafeHetznerApiUrl(url)) {
    throw new AppError(
      'invalid_input',
      `The Hetzner API URL ${url} would send the token unencrypted: use https (plain http only to this machine, 127.0.0.1, ::1 or localhost).`,
      {
        fields: [{ path: 'hetznerApiUrl', message: 'https only' }],
      },
    )
  }
  return url
}
