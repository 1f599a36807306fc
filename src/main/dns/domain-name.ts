// A domain as typed (upper case, trailing dot, umlauts) turned into the one form DNS and TLS use.
import { AppError } from '@shared/errors'
import { asciiDomain } from '@shared/shop-rules'

export function normaliseDomain(input: string): string {
  const ascii = asciiDomain(input)
  if (!ascii) {
    throw new AppError('invalid_input', `"${input}" is not a valid domain name.`, { fields: [{ path: 'domain', message: 'not a domain name' }] })
  }
  return ascii
}
