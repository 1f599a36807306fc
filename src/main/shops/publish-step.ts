// The dns step of a new shop: its names published at Hetzner where the host's domain mode says so, skipped otherwise.
// A shop with routes of their own host (`api-<shop>.<domain>`) has more than one name; each is published.
import type { StepNote } from '@shared/operations'
import type { OperationContext } from '../operations/operation-runner'

/** Makes a shop's name resolve to its host; null when the name is not the app's to write. */
export type PublishName = (domain: string, signal: AbortSignal) => Promise<StepNote | null>

export async function publishStep(
  context: OperationContext<'dns' | string>,
  names: string | readonly string[],
  publish: PublishName | undefined,
): Promise<void> {
  const { op, steps } = context
  const all = typeof names === 'string' ? [names] : names
  steps.begin('dns', all.join(', '))
  let said: StepNote | null = null
  for (const name of all) {
    const note = publish ? await publish(name, op.signal) : null
    // What the step shows is the shop's own name's note; the others' are the same kind of news.
    said ??= note
  }
  if (said === null) steps.skip('dns', { key: 'dnsNothing' })
  else op.step('dns', 'running', said)
}
