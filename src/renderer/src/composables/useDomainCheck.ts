// The seed's "Prüfen": where a name points and what a browser would see there, asked of the main process for one
// host; the answer is dropped when the name changes. Used by the create wizard and the shop page.
import { ref, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'
import type { DomainCheckResult } from '@shared/domain-check'
import { call } from '../api'
import { useErrorText } from './useErrorText'

export interface DomainCheck {
  result: Ref<DomainCheckResult | null>
  checking: Ref<boolean>
  error: Ref<string | null>
  check: () => Promise<void>
}

export function useDomainCheck(hostId: MaybeRefOrGetter<string | null | undefined>, domain: MaybeRefOrGetter<string | null | undefined>): DomainCheck {
  const errorText = useErrorText()
  const result = ref<DomainCheckResult | null>(null)
  const checking = ref(false)
  const error = ref<string | null>(null)
  watch(
    () => [toValue(hostId), toValue(domain)],
    () => {
      result.value = null
      error.value = null
    },
  )
  async function check(): Promise<void> {
    const host = toValue(hostId)
    const name = toValue(domain)
    if (!host || !name) return
    checking.value = true
    error.value = null
    try {
      result.value = await call('domains:check', { hostId: host, domain: name })
    } catch (thrown) {
      error.value = errorText(thrown)
    } finally {
      checking.value = false
    }
  }
  return { result, checking, error, check }
}
