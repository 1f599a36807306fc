// Shops as the overview shows them: one compose project per shop directory on a host.
import type { ErrorSay } from './errors'
import type { OperationKind } from './operations'
export const shopLights = ['green', 'yellow', 'red'] as const
export type ShopLight = (typeof shopLights)[number]

export interface ShopContainer {
  id: string
  service: string
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: string
  /** healthy, unhealthy, starting, or null without a health check. */
  health: string | null
  /** Docker's status text, e.g. "Up 3 minutes (healthy)". */
  status: string
  created: string
  light: ShopLight
  /** A one-off job of the template (an install or migrate step): done, and green, once it exited 0. */
  job?: boolean
  /** The exit code of an exited container, where Docker says it. */
  exitCode?: number
}

export interface ShopSummary {
  name: string
  hostId: string
  domain: string | null
  template: string | null
  description: string | null
  createdAt: string | null
  createdBy: string | null
  light: ShopLight
  /** Why the light is not green, in a few words (e.g. "db: unhealthy"). */
  reason: string | null
  /** The template's parameters as last applied (languages, greeting …). */
  params: Record<string, ShopParamValue>
  /** The overridden app image, if any. */
  image: string | null
  /** The shop this one was cloned from. */
  clonedFrom: string | null
  /** On Local Docker: the loopback port its entry is published on (shopUrl). */
  loopbackPort?: number
  /** The last operation that failed on the shop and was not followed by a success. */
  failure: ShopFailure | null
  containers: ShopContainer[]
}

export type ShopParamValue = string | string[] | boolean

/** The shop's address as a browser opens it: https under its domain behind Traefik, http on its port on Local Docker. */
export function shopUrl(domain: string, route: { loopbackPort?: number | undefined }): string {
  return route.loopbackPort ? `http://${domain}:${route.loopbackPort}` : `https://${domain}`
}

/** Recorded on the host (failure.json in the shop directory), so every laptop sees it. */
export interface ShopFailure {
  /** Which operation failed; `unknown` for a record written by a later version of the app. */
  operation: OperationKind | 'unknown'
  step: string
  message: string
  /** The message in words the renderer has in every language, where there are such words. */
  say?: ErrorSay
  at: string
}

/** One line of a container's output; secret values are already replaced by •••. */
export interface LogLine {
  service: string
  /** RFC 3339 timestamp from Docker. */
  time: string
  stream: 'stdout' | 'stderr'
  text: string
}

export interface LogBatch {
  streamId: string
  lines: LogLine[]
  /** The follow ended (shop stopped, connection lost); `error` says why when it was not asked for. */
  ended?: boolean
  error?: { code: string; message: string }
}

export interface ShopOverview {
  hostId: string
  shops: ShopSummary[]
  /** When the host was last read. */
  readAt: string
  /** True when this list comes from the disk cache, not from the host just now. */
  cached: boolean
  /** Set when the host could not be read; the list is then the last known one. */
  error?: { code: string; message: string; say?: ErrorSay }
}

export const shopActions = ['start', 'restart', 'stop', 'remove', 'delete'] as const
export type ShopAction = (typeof shopActions)[number]

/** What a salesperson may do; admins may do everything. Enforced in the main process. */
export const salesActions: readonly ShopAction[] = ['start', 'restart']
