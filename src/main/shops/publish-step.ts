// The dns step of a new shop: its name published at Hetzner where the host's domain mode says so, skipped otherwise.
import type { StepNote } from '@shared/operations'
import type { OperationContext } from '../operations/operation-runner'

/** Makes a shop's name resolve to its host; null when the name is not the app's to write. */
export type PublishName = (domain: string, signal: AbortSignal) => Promise<StepNote | null>

export async function publishStep(context: OperationContext<'dns' | string>, domain: string, publish: PublishName | undefined): Promise<void> {
  const { op, steps } = context
  steps.begin('dns', domain)
  const said = publish ? await publish(domain, op.signal) : null
  if (said === null) steps.skip('dns', { key: 'dnsNothing' })
  else op.step('dns', 'running', said)
}
