// The names of every IPC channel. Kept free of schemas so the sandboxed preload stays tiny.
export const invokeChannelNames = [
  'app:info',
  'settings:get',
  'settings:update',
  'connection:list',
  'hosts:list',
  'hosts:save',
  'hosts:remove',
  'hosts:test',
  'hosts:room',
  'hosts:trust',
  'hosts:exportConnection',
  'hosts:importConnection',
  'hosts:setupPreview',
  'hosts:setupApply',
  'shops:overview',
  'shops:refresh',
  'templates:list',
  'templates:forHost',
  'templates:install',
  'templates:importCompose',
  'templates:saveImport',
  'registries:list',
  'registries:save',
  'registries:remove',
  'registries:tags',
  'shops:create',
  'shops:action',
  'shops:revealSecret',
  'shops:edit',
  'shops:clone',
  'shops:update',
  'shops:backup',
  'shops:backups',
  'shops:audit',
  'shops:restore',
  'shops:restoreNew',
  'shops:backupTransfer',
  'shops:logs',
  'logs:follow',
  'logs:stop',
  'domains:check',
  'domains:publish',
  'drafts:list',
  'drafts:save',
  'drafts:duplicate',
  'drafts:remove',
  'drafts:deploy',
  'drafts:export',
  'drafts:import',
  'identity:get',
  'identity:generate',
  'team:list',
  'team:add',
  'team:setRole',
  'team:revoke',
  'operations:get',
  'operations:cancel',
] as const

export type InvokeChannel = (typeof invokeChannelNames)[number]

export const eventChannelNames = ['settings:changed', 'connection:changed', 'shops:overview', 'operation:progress', 'logs:lines'] as const

export type EventChannel = (typeof eventChannelNames)[number]

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && (invokeChannelNames as readonly string[]).includes(name)
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && (eventChannelNames as readonly string[]).includes(name)
}
