// A registry's refusal in the user's words, whether the laptop asked it (the tag list) or the host's Docker Engine
// did (a pull): not authorised, no such image, cannot be reached, or a certificate that is not trusted.
import { AppError } from '@shared/errors'

export type RegistryProblem = 'denied' | 'noCredentials' | 'notFound' | 'unreachable' | 'certificate' | 'other'

export interface RegistryContext {
  image: string
  registry: string
  /** Whether credentials were sent: a refusal then means they are wrong, else that some are needed. */
  hasCredentials: boolean
}

const CERTIFICATE = /x509|certificate|CERT_|SELF_SIGNED|UNABLE_TO_VERIFY|unknown authority|ALTNAME/i
const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|socket hang up|connection refused|no such host|i\/o timeout|timeout|network is unreachable|dial tcp|TLS handshake/i
const NOT_FOUND = /manifest unknown|not found|name unknown|repository does not exist|NAME_UNKNOWN|MANIFEST_UNKNOWN/i
const DENIED = /unauthorized|authentication required|no basic auth credentials|denied|forbidden|incorrect username or password/i

/** What kind of refusal a text (the Engine's pull message, a client's error) and HTTP status say. */
export function registryProblem(text: string, status?: number): RegistryProblem {
  if (status === 401 || status === 403) return 'denied'
  if (status === 404) return 'notFound'
  if (CERTIFICATE.test(text)) return 'certificate'
  // "pull access denied …, repository does not exist or may require 'docker login'": Docker Hub cannot tell.
  if (/repository does not exist or may require/i.test(text)) return 'denied'
  if (DENIED.test(text)) return 'denied'
  if (NOT_FOUND.test(text)) return 'notFound'
  if (UNREACHABLE.test(text)) return 'unreachable'
  return 'other'
}

function short(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 240 ? `${line.slice(0, 240)}…` : line
}

/** The error for a registry's refusal; `field` marks the form field it belongs to (the image). */
export function registryFailure(problem: RegistryProblem, context: RegistryContext, reason: string, code: 'invalid_input' | 'registry_failed'): AppError {
  const { image, registry } = context
  const values = { image, registry, reason: short(reason) }
  const fields = [{ path: 'image', message: problem }]
  const kind = problem === 'denied' && !context.hasCredentials ? 'noCredentials' : problem
  const said: Record<
    RegistryProblem,
    { key: 'registryDenied' | 'registryNoCredentials' | 'imageNotFound' | 'registryUnreachable' | 'registryCertificate' | 'imageNotPulled'; message: string }
  > = {
    denied: {
      key: 'registryDenied',
      message: `${registry} refused the credentials for ${image} (${values.reason}). Check the user and password under Settings → Registries.`,
    },
    noCredentials: { key: 'registryNoCredentials', message: `${registry} wants a login for ${image}. Add its user and password under Settings → Registries.` },
    notFound: { key: 'imageNotFound', message: `${image} does not exist at ${registry} (${values.reason}). Check the name and the tag.` },
    unreachable: { key: 'registryUnreachable', message: `${registry} cannot be reached (${values.reason}).` },
    certificate: { key: 'registryCertificate', message: `The certificate of ${registry} is not trusted (${values.reason}).` },
    other: { key: 'imageNotPulled', message: `The image "${image}" could not be pulled: ${values.reason}. Nothing was changed.` },
  }
  const { key, message } = said[kind]
  return new AppError(code, message, { fields, say: { key, values } })
}

/** A failure of the laptop's own request to a registry (the tag list). */
export function registryError(error: unknown, context: RegistryContext): AppError {
  if (error instanceof AppError) return error
  const e = error as { message?: string; code?: string; statusCode?: number }
  const reason = [e.code, e.message].filter(Boolean).join(': ') || String(error)
  return registryFailure(registryProblem(reason, e.statusCode), context, reason, 'registry_failed')
}
