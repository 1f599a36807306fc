// Deploy: a draft goes through the normal create flow once the host is reachable. The draft stays until the
// shop exists and is then marked deployed; a name taken meanwhile fails at reserve and the draft is kept.
import { createShopSchema } from '@shared/contract'
import { AppError } from '@shared/errors'
import type { OperationSnapshot } from '@shared/operations'
import type { CreateShopInput } from '../shops/create-shop'
import type { StartedOperation } from '../operations/operation-runner'
import type { DraftStore } from './draft-store'

export function deployDraft(
  drafts: DraftStore,
  id: string,
  hostId: string | undefined,
  create: (input: CreateShopInput) => StartedOperation,
): OperationSnapshot {
  const draft = drafts.get(id)
  if (draft.deployed)
    throw new AppError('invalid_input', `This draft was deployed already as "${draft.deployed.shop}".`, {
      say: { key: 'draftDeployed', values: { shop: draft.deployed.shop } },
    })
  const target = hostId ?? draft.hostId
  if (!target)
    throw new AppError('invalid_input', 'Choose the host to deploy this draft to.', {
      fields: [{ path: 'hostId', message: 'required' }],
      say: { key: 'draftHost' },
    })
  const parsed = createShopSchema.safeParse({
    hostId: target,
    name: draft.name,
    description: draft.description,
    templateId: draft.templateId,
    domain: draft.domain,
    params: draft.params,
    ...(draft.image ? { image: draft.image } : {}),
    start: true,
  })
  if (!parsed.success) {
    throw new AppError('invalid_input', 'The draft is not complete yet.', {
      fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    })
  }
  const started = create(parsed.data)
  // The create's own end, not the UI's event bus, says whether the shop now exists.
  void started.done.then((end) => {
    if (end.status === 'succeeded') drafts.markDeployed(id, target, parsed.data.name)
  })
  return started.snapshot
}
