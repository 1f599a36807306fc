// The app's settings and what it says about itself and its connections, shared by main, preload and renderer.
export const locales = ['de', 'en'] as const
export type Locale = (typeof locales)[number]

export const themePreferences = ['system', 'light', 'dark'] as const
export type ThemePreference = (typeof themePreferences)[number]

export interface Settings {
  locale: Locale
  theme: ThemePreference
  /** Id of the host profile the overview shows; null until the user picks one. */
  activeHostId: string | null
  /** A folder of the user's own templates, next to the bundled ones. */
  customTemplatesDir: string | null
  /** A small image with sh and tar, run on the host to copy volumes when cloning. */
  helperImage: string
  /** The image host setup copies the gate's Node binary out of (its tag's number is the major version wanted). */
  gateNodeImage: string
  /** Backups kept per shop; the oldest go when a new one is made. */
  backupsToKeep: number
  /** DNS servers the domain check asks (ip or ip:port); the system's when empty. */
  dnsResolvers: string[]
  /** Hetzner's Cloud API; another URL only for a test emulator or a proxy. */
  hetznerApiUrl: string
}

export const defaultSettings: Settings = {
  locale: 'de',
  theme: 'system',
  activeHostId: null,
  customTemplatesDir: null,
  // sh, GNU tar (incremental archives for a short pause) and coreutils (tail -f --pid, cksum): a stock Debian image.
  helperImage: 'debian:bookworm-slim',
  gateNodeImage: 'node:22-bookworm-slim',
  backupsToKeep: 5,
  dnsResolvers: [],
  hetznerApiUrl: 'https://api.hetzner.cloud/v1',
}

export interface AppInfo {
  name: string
  version: string
  platform: string
  /** Where settings, drafts and caches live on this machine. */
  dataDir: string
}

export const connectionStates = ['idle', 'connecting', 'connected', 'reconnecting', 'offline', 'error'] as const
export type ConnectionStateName = (typeof connectionStates)[number]

export interface ConnectionState {
  hostId: string
  state: ConnectionStateName
  /** Set when state is `error` or `offline`: what went wrong, in words a user can act on. */
  message?: string
  since: string
}
