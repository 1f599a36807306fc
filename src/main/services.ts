// Composes the main-process services from their dependencies; used by Electron's bootstrap and by tests.
import type { AppInfo } from '@shared/domain'
import { ConnectionRegistry } from './connection/connection-registry'
import { EventBus } from './events'
import type { InvokeHandlers } from './ipc/dispatch'
import { SettingsService, type KeyValueStore } from './settings/settings-service'

export interface ServiceDeps {
  store: KeyValueStore
  appInfo: AppInfo
}

export interface Services {
  events: EventBus
  settings: SettingsService
  connections: ConnectionRegistry
  appInfo: AppInfo
}

export function createServices(deps: ServiceDeps): Services {
  const events = new EventBus()
  return {
    events,
    settings: new SettingsService(deps.store, events),
    connections: new ConnectionRegistry(events),
    appInfo: deps.appInfo,
  }
}

/** One handler per contract channel; inputs arrive already validated by the dispatcher. */
export function createHandlers(services: Services): InvokeHandlers {
  return {
    'app:info': () => services.appInfo,
    'settings:get': () => services.settings.get(),
    'settings:update': (patch) => services.settings.update(patch),
    'connection:list': () => services.connections.list(),
  }
}
