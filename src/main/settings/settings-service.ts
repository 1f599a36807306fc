// The user's preferences (language, theme, active host), kept in a key-value store on this machine.
import { isSafeHetznerApiUrl } from '../dns/api-url'
import { defaultSettings, locales, themePreferences, type Settings } from '@shared/settings'
import type { SettingsPatch } from '@shared/contract'
import type { EventBus } from '../events'

/** The part of electron-store / conf the app uses; both satisfy it. */
export interface KeyValueStore {
  get(key: string): unknown
  set(key: string, value: unknown): void
}

const KEY = 'settings'

/** The default helper image until backups and clones needed GNU tar: a saved default moves on with the default. */
const OLD_DEFAULT_HELPER = 'busybox:1.37'

function sanitize(stored: unknown): Settings {
  const value = (stored && typeof stored === 'object' ? stored : {}) as Partial<Record<keyof Settings, unknown>>
  return {
    locale: (locales as readonly unknown[]).includes(value.locale) ? (value.locale as Settings['locale']) : defaultSettings.locale,
    theme: (themePreferences as readonly unknown[]).includes(value.theme) ? (value.theme as Settings['theme']) : defaultSettings.theme,
    activeHostId: typeof value.activeHostId === 'string' ? value.activeHostId : defaultSettings.activeHostId,
    customTemplatesDir: typeof value.customTemplatesDir === 'string' ? value.customTemplatesDir : defaultSettings.customTemplatesDir,
    helperImage:
      typeof value.helperImage === 'string' && value.helperImage && value.helperImage !== OLD_DEFAULT_HELPER ? value.helperImage : defaultSettings.helperImage,
    gateNodeImage: typeof value.gateNodeImage === 'string' && value.gateNodeImage ? value.gateNodeImage : defaultSettings.gateNodeImage,
    backupsToKeep: typeof value.backupsToKeep === 'number' && value.backupsToKeep >= 1 ? Math.floor(value.backupsToKeep) : defaultSettings.backupsToKeep,
    hetznerApiUrl: typeof value.hetznerApiUrl === 'string' && isSafeHetznerApiUrl(value.hetznerApiUrl) ? value.hetznerApiUrl : defaultSettings.hetznerApiUrl,
    dnsResolvers: Array.isArray(value.dnsResolvers) ? value.dnsResolvers.filter((r): r is string => typeof r === 'string') : defaultSettings.dnsResolvers,
  }
}

export class SettingsService {
  constructor(
    private readonly store: KeyValueStore,
    private readonly events: EventBus,
  ) {}

  get(): Settings {
    // A hand-edited or older store file must never crash the app: unknown values fall back to defaults.
    return sanitize(this.store.get(KEY))
  }

  update(patch: SettingsPatch): Settings {
    const next: Settings = { ...this.get(), ...patch }
    this.store.set(KEY, next)
    this.events.emit('settings:changed', next)
    return next
  }
}
