// A shop's state in the user's language: why its light is not green (its recorded failure, or which containers are
// not running and healthy), and Docker's container states and health words.
import { useI18n } from 'vue-i18n'
import type { ShopContainer, ShopFailure, ShopSummary } from '@shared/shops'
import { useSayText } from './useErrorText'

export interface ShopStatusText {
  /** Docker's state (running, exited, …) in words; an unknown one as Docker says it. */
  state: (state: string) => string
  /** healthy, unhealthy, starting in words; none: a dash. */
  health: (health: string | null) => string
  /** A container's health, or its state where it has no health check, in words. */
  containerWord: (value: string) => string
  /** A step of an operation by the name the progress shows: create, clone and others share the step names; those
   * only update, backup, restore and transfers have are worded in their own sections; one without words shows as it is. */
  step: (id: string) => string
  /** A recorded failure's message, in the user's language where it carries words for it. */
  failureText: (failure: ShopFailure) => string
  /** Why the shop is not green; null when it is. */
  reason: (shop: Pick<ShopSummary, 'failure' | 'containers'>) => string | null
}

export function useShopStatusText(): ShopStatusText {
  const { t, te } = useI18n()
  const sayText = useSayText()
  const word = (group: string, value: string): string => (te(`shops.${group}.${value}`) ? t(`shops.${group}.${value}`) : value)
  const state = (value: string): string => word('states', value)
  const health = (value: string | null): string => (value ? word('healthWords', value) : '—')
  const step = (id: string): string =>
    [`create.steps.${id}`, `update.steps.${id}`, `backups.steps.${id}`].map((key) => (te(key) ? t(key) : null)).find((x) => x !== null) ?? id
  const containerWord = (value: string): string => (te(`shops.healthWords.${value}`) ? t(`shops.healthWords.${value}`) : state(value))
  const wordOf = (c: ShopContainer): string => (c.health && c.state === 'running' ? health(c.health) : state(c.state))
  const failureText = (failure: ShopFailure): string => sayText(failure.say) ?? failure.message
  const reason = (shop: Pick<ShopSummary, 'failure' | 'containers'>): string | null => {
    if (shop.failure) return `${step(shop.failure.step)}: ${failureText(shop.failure)}`
    if (shop.containers.length === 0) return t('shops.noContainersShort')
    const bad = shop.containers.filter((c) => c.light !== 'green')
    return bad.length === 0 ? null : bad.map((c) => `${c.service}: ${wordOf(c)}`).join(', ')
  }
  return { state, health, containerWord, step, failureText, reason }
}
