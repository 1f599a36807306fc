// The gate's configuration on the host (<gateDir>/config.json), written by host setup: where the shops are, how
// their names work, where the admin's templates, the audit log and the keys live. Validated in full on every start.
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { settingsPatchSchema } from '@shared/contract'
import { defaultSettings } from '@shared/settings'
import { absolutePath, domainModes } from '@shared/hosts'
import { isValidDomain } from '@shared/shop-rules'
import { AppError } from '@shared/errors'

const address = z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+)$/, 'an IP address')

export const gateConfigSchema = z
  .object({
    /** The shops' directories (the admin profile's base directory). */
    baseDir: absolutePath,
    dockerSocket: absolutePath,
    shopDomain: z.string().refine(isValidDomain, 'not a domain').nullable(),
    domainMode: z.enum(domainModes),
    /** `$HOME/.shopmanager/templates`: one folder per installed template, as the app loads them. */
    templatesDir: absolutePath,
    /** `<gateDir>/audit.log`, mode 0600. */
    auditLog: absolutePath,
    /** The file sshd reads this user's keys from; a key no longer in it is revoked. */
    authorizedKeys: absolutePath,
    /** Traefik's certificate resolver for new shops; null where a wildcard certificate covers them. */
    certResolver: z
      .string()
      .regex(/^[\w-]{1,60}$/)
      .nullable()
      .default('letsencrypt'),
    /** The image clone copies volumes with (sh, GNU tar, coreutils). */
    helperImage: settingsPatchSchema.shape.helperImage.unwrap().default(defaultSettings.helperImage),
    /** The host's public addresses, which a shop's name should point to; the interfaces' own when empty. */
    publicAddresses: z.array(address).max(16).default([]),
    /** DNS servers for the domain check; the host's own when empty. */
    dnsResolvers: settingsPatchSchema.shape.dnsResolvers.unwrap().default([]),
  })
  .strict()

export type GateConfig = z.output<typeof gateConfigSchema>
export type GateConfigInput = z.input<typeof gateConfigSchema>

export async function loadGateConfig(path: string): Promise<GateConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new AppError('internal', `The gate's configuration ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AppError('internal', `The gate's configuration ${path} is not JSON.`)
  }
  const parsed = gateConfigSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new AppError('internal', `The gate's configuration ${path}: ${issue.path.join('.') || '(file)'} ${issue.message}.`)
  }
  return parsed.data
}
