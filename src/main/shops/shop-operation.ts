// What every long shop operation (create, clone, update, backup, restore) is given, and how it is started: an
// operation id at once, the work in the background, the overview told when it ends.
import type { OperationKind, OperationSnapshot } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import type { OperationHandle, OperationRegistry } from '../operations/operation-registry'
import type { Template } from '../templates/template-loader'

export interface ShopOperationDeps {
  session: (hostId: string) => Promise<HostSession>
  template: (id: string) => Promise<Template>
  operations: OperationRegistry
  /** Who does it: recorded as "created by" / "edited by". */
  user: string
  /** Called once the operation has ended, however it ended (the overview re-reads the host). */
  onFinished?: (hostId: string) => void
}

export function launchOperation(
  deps: Pick<ShopOperationDeps, 'operations' | 'onFinished'>,
  kind: OperationKind,
  target: { hostId: string; shop: string },
  steps: readonly string[],
  run: (op: OperationHandle) => Promise<void>,
): OperationSnapshot {
  const op = deps.operations.start(kind, target.hostId, target.shop, steps)
  void run(op).finally(() => deps.onFinished?.(target.hostId))
  return deps.operations.get(op.id)!
}
