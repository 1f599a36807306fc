// The schema of a template's manifest (template.yaml).
import { z } from 'zod'

const localized = z.object({ de: z.string().min(1), en: z.string().min(1) }).strict()
const id = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _ only, starting with a letter')

const parameter = z.discriminatedUnion('type', [
  z.object({ id, type: z.literal('string'), label: localized, default: z.string(), maxLength: z.number().int().min(1).max(2000).default(200), pattern: z.string().optional() }).strict(),
  z.object({ id, type: z.literal('enum'), label: localized, default: z.string(), options: z.array(z.string().min(1)).min(1) }).strict(),
  z.object({ id, type: z.literal('list'), label: localized, default: z.array(z.string()), options: z.array(z.string().min(1)).min(1) }).strict(),
  z.object({ id, type: z.literal('boolean'), label: localized, default: z.boolean() }).strict(),
])

export const alphabets = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
  urlsafe: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
} as const

const secret = z
  .object({
    id,
    length: z.number().int().min(8).max(256),
    alphabet: z.enum(Object.keys(alphabets) as [keyof typeof alphabets, ...Array<keyof typeof alphabets>]),
    label: localized,
    /** The shop admin's password, shown to the salesperson after create. */
    login: z.boolean().default(false),
    /** On clone: `keep` when the copied data depends on the value (a database password), `new` when it is safe to change. */
    onClone: z.enum(['keep', 'new']).default('keep'),
  })
  .strict()

const units: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }

/** A size: a number and K, M, G or T, decimal, as disks and the app's own figures count them ("2G": 2 GB). */
const byteSize = z
  .string()
  .regex(/^\d+(\.\d+)?[kmgt]?$/i, 'a size such as 512M or 2G')
  .transform((text) => Math.round(Number.parseFloat(text) * units[(/[kmgt]$/i.exec(text)?.[0] ?? '').toLowerCase()]!))

export const manifestSchema = z
  .object({
    name: localized,
    description: localized,
    compose: z.string().regex(/^[\w.-]+\.ya?ml$/, 'a YAML file name in the template folder'),
    files: z.array(z.string().regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, 'a relative path inside the template folder')).default([]),
    entry: z.object({ service: z.string().min(1), port: z.number().int().min(1).max(65535) }).strict(),
    image: z.object({ service: z.string().min(1) }).strict().optional(),
    /**
     * One-off jobs (an install or migrate step): they run once, are never restarted, and are done when they exited
     * 0; a job that fails fails the create with its last lines. Others may wait for one with
     * `depends_on: {<job>: {condition: service_completed_successfully}}`.
     */
    jobs: z.array(z.string().min(1)).default([]),
    healthTimeoutSeconds: z.number().int().min(5).max(3600).default(120),
    /**
     * The shop admin's login as the result screen shows it: the user name (or e-mail), literally or from a string
     * parameter (`${param.admin_email}`), and the admin's path on the shop's URL. The password is the login secret.
     */
    login: z
      .object({
        user: z.string().min(1).max(200).default('admin'),
        path: z
          .string()
          .regex(/^\/[\w./~-]*$/, 'a path on the shop, starting with /')
          .default('/'),
      })
      .strict()
      .default({ user: 'admin', path: '/' }),
    /** What one shop needs of its host ("512M", "2G"): create refuses before anything is written if it is not there. */
    needs: z
      .object({ memory: byteSize.optional(), disk: byteSize.optional() })
      .strict()
      .default({}),
    /** Runs only where its image is (the test bed): never the wizard's default, and not in the installers. */
    testOnly: z.boolean().default(false),
    parameters: z.array(parameter).default([]),
    secrets: z.array(secret).default([]),
    /** service → variable → value with ${shop.name}, ${shop.domain}, ${param.<id>}, ${secret.<id>}. */
    environment: z.record(z.string(), z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name'), z.string())).default({}),
  })
  .strict()

export type Manifest = z.infer<typeof manifestSchema>
