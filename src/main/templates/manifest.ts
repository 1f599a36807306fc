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

/** What every kind of secret has: its id, its label, and what a clone does with it. */
const secretBase = {
  id,
  label: localized,
  /** On clone: `keep` when the copied data depends on the value (a database password), `new` when it is safe to change. */
  onClone: z.enum(['keep', 'new']).default('keep'),
  /** Services that get it as a file, /run/secrets/<id> (compose's file secret): a key file, or a value an image reads from a file. */
  mount: z.array(z.string().min(1)).default([]),
}

/** A kind-less secret is the random text it has always been, so every existing template reads as before. */
const withKind = (value: unknown): unknown =>
  value && typeof value === 'object' && !Array.isArray(value) && !('kind' in value) ? { ...value, kind: 'random' } : value

const secret = z.preprocess(
  withKind,
  z.discriminatedUnion('kind', [
    z
      .object({
        ...secretBase,
        kind: z.literal('random'),
        length: z.number().int().min(8).max(256),
        alphabet: z.enum(Object.keys(alphabets) as [keyof typeof alphabets, ...Array<keyof typeof alphabets>]),
        /** The shop admin's password, shown to the salesperson after create. */
        login: z.boolean().default(false),
      })
      .strict(),
    /** Random bytes in standard base64 (with + / and = padding): an encryption key an app wants "base64 of 32 bytes". */
    z
      .object({ ...secretBase, kind: z.literal('base64'), bytes: z.number().int().min(16).max(512) })
      .strict(),
    /** A private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, lines of 64, a newline at the end). */
    z
      .object({ ...secretBase, kind: z.literal('pem'), key: z.enum(['rsa-2048', 'ec-p256']).default('rsa-2048') })
      .strict(),
    /**
     * A password hash of another (random) secret, such as the login, for an app that stores only the hash. It follows
     * its source: kept on clone when the source is, new when the source is new; so it has no `onClone` of its own.
     */
    z
      .object({
        id,
        label: localized,
        kind: z.literal('hash'),
        of: id,
        algorithm: z.enum(['bcrypt']).default('bcrypt'),
        cost: z.number().int().min(4).max(14).default(10),
        mount: secretBase.mount,
      })
      .strict(),
  ]),
)

export type ManifestSecret = z.infer<typeof secret>

/**
 * A route beside the entry: one more Traefik router to a service and port, for a path on the shop's domain
 * (`/api`) and/or a second host name (`api` → `api-<shop's first label>.<rest of its domain>`).
 */
const route = z
  .object({
    id,
    service: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    path: z
      .string()
      .regex(/^\/[\w.~-][\w./~-]*$/, 'a path prefix such as /api (not / alone: that is the entry)')
      .optional(),
    host: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, 'one DNS label: lower-case letters, digits and -')
      .optional(),
  })
  .strict()

export type ManifestRoute = z.infer<typeof route>

const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name')

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
    /** More routers beside the entry (an API, a dashboard); the entry stays the shop's main URL. */
    routes: z.array(route).default([]),
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
    environment: z.record(z.string(), z.record(variableName, z.string())).default({}),
    /**
     * One set of variables for several services (the DB_* of an app and its worker), with the same placeholders; a
     * service's own `environment` entry wins over a set's.
     */
    environmentSets: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _ only, starting with a letter'),
        z.object({ services: z.array(z.string().min(1)).min(1), values: z.record(variableName, z.string()) }).strict(),
      )
      .default({}),
  })
  .strict()

export type Manifest = z.infer<typeof manifestSchema>
