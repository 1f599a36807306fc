// A new shop's name as the user types it: what is wrong with it (rules, or taken on the current host), and the
// domain suggested for it under the host's shop domain. Shared by the create wizard and "restore as new shop".
import { computed, toValue, type ComputedRef, type MaybeRefOrGetter } from 'vue'
import { useI18n } from 'vue-i18n'
import { shopNameProblem } from '@shared/shop-rules'
import { useHostsStore } from '../stores/hosts'
import { useShopsStore } from '../stores/shops'

export interface NewShopName {
  /** Trimmed and lower-cased, as the shop will be called. */
  name: ComputedRef<string>
  error: ComputedRef<string | null>
  /** `<name>.<host's shop domain>`, or empty while there is no name or no shop domain. */
  suggestedDomain: ComputedRef<string>
}

export function useNewShopName(input: MaybeRefOrGetter<string>, hostId: MaybeRefOrGetter<string | null | undefined>): NewShopName {
  const { t } = useI18n()
  const shops = useShopsStore()
  const hosts = useHostsStore()
  const name = computed(() => toValue(input).trim().toLowerCase())
  const error = computed(() => {
    if (!name.value) return null
    const problem = shopNameProblem(name.value)
    if (problem) return t(`create.nameProblems.${problem}`)
    const listed = shops.hostId === toValue(hostId) ? (shops.overview?.shops ?? []) : []
    return listed.some((s) => s.name === name.value) ? t('create.nameProblems.taken') : null
  })
  const suggestedDomain = computed(() => {
    const shopDomain = hosts.hosts.find((h) => h.id === toValue(hostId))?.shopDomain
    return name.value && shopDomain ? `${name.value}.${shopDomain}` : ''
  })
  return { name, error, suggestedDomain }
}
