// What a role may do to shops, for a friendly message before anything is sent. The refusal that counts is the host's.
import { AppError } from '@shared/errors'
import type { HostRole } from '@shared/hosts'
import { salesActions, type ShopAction } from '@shared/shops'

export function checkRole(role: HostRole, action: ShopAction | 'edit'): void {
  if (role !== 'admin' && !(salesActions as readonly string[]).includes(action)) {
    throw new AppError('forbidden', `Only an admin may ${action} shops on this host.`, { say: { key: 'adminOnly' } })
  }
}
