// A domain as typed (upper case, trailing dot, umlauts) turned into the one form DNS and TLS use.
import { domainToASCII } from 'node:url'
import { AppError } from '@shared/errors'
import { isValidDomain } from '@shared/shop-rules'

export function normaliseDomain(input: string): string {
  const trimmed = input.trim().replace(/\.$/, '').toLowerCase()
  const ascii = domainToASCII(trimmed)
  if (!ascii || !isValidDomain(ascii)) {
    throw new AppError('invalid_input', `"${input}" is not a valid domain name.`, { fields: [{ path: 'domain', message: 'not a domain name' }] })
  }
  return ascii
}
