// A shop's generated secrets, by kind: random text, base64 of random bytes, a private key (PEM), a password hash of
// another secret. Each kind has one generator and one check of the form it must have, because the value crosses
// compose's `.env` reader (two of them: compose v1 and v2) on its way into a container.
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto'
import bcrypt from 'bcryptjs'
import { alphabets, type Manifest, type ManifestSecret } from './manifest'

export function generateSecret(length: number, alphabet: keyof typeof alphabets): string {
  const chars = alphabets[alphabet]
  let out = ''
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)]
  return out
}

/** bcrypt reads at most 72 bytes of a password: a longer source would have a hash that ignores its end. */
export const BCRYPT_MAX_BYTES = 72

function privateKey(key: 'rsa-2048' | 'ec-p256'): string {
  if (key === 'rsa-2048') {
    return generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey
  }
  return generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    .privateKey
}

function generated(secret: Exclude<ManifestSecret, { kind: 'hash' }>): string {
  switch (secret.kind) {
    case 'random':
      return generateSecret(secret.length, secret.alphabet)
    case 'base64':
      return randomBytes(secret.bytes).toString('base64')
    case 'pem':
      return privateKey(secret.key)
  }
}

/**
 * The shop's secrets: each one `carried` (a clone's kept ones, an edited shop's own) stays, the others are new. A
 * hash follows its source: it stays only while its source is the value it was made from, else it is made again.
 */
export function generateSecrets(manifest: Manifest, carried: Readonly<Record<string, string>> = {}): Record<string, string> {
  const values: Record<string, string> = {}
  for (const secret of manifest.secrets) if (secret.kind !== 'hash') values[secret.id] = carried[secret.id] || generated(secret)
  for (const secret of manifest.secrets) {
    if (secret.kind !== 'hash') continue
    const source = values[secret.of] ?? ''
    const kept = carried[secret.id] && carried[secret.of] === source
    values[secret.id] = kept ? carried[secret.id]! : bcrypt.hashSync(source, bcrypt.genSaltSync(secret.cost))
  }
  return values
}

const PEM = /^-----BEGIN PRIVATE KEY-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END PRIVATE KEY-----\n$/
const BCRYPT = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/

/**
 * Whether a value has its kind's form. More than hygiene: a value read back from a shop's `.env` (a clone keeps it)
 * goes into the next `.env`, and only these characters read the same through both compose versions' parsers.
 */
export function secretValueFits(secret: ManifestSecret, value: string): boolean {
  switch (secret.kind) {
    case 'random':
      // Not the alphabet nor the length of today's manifest: a shop keeps the value it was made with when its template changes.
      return /^[A-Za-z0-9_-]+$/.test(value)
    case 'base64':
      return /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0
    case 'pem':
      return PEM.test(value)
    case 'hash':
      return BCRYPT.test(value)
  }
}
