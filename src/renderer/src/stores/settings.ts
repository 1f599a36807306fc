// The user's preferences, owned by the main process; this store mirrors them and applies them.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { useLocale, useTheme } from 'vuetify'
import { defaultSettings, type AppInfo, type Settings } from '@shared/settings'
import type { SettingsPatch } from '@shared/contract'
import { call, onEvent } from '../api'
import { i18n } from '../plugins/i18n'
import { useErrorStore } from './errors'

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings>({ ...defaultSettings })
  const appInfo = ref<AppInfo | null>(null)
  const loaded = ref(false)
  const theme = useTheme()
  const vuetifyLocale = useLocale()
  const errors = useErrorStore()

  watch(
    () => settings.value.locale,
    (locale) => {
      i18n.global.locale.value = locale
      vuetifyLocale.current.value = locale
      document.documentElement.lang = locale
    },
    { immediate: true },
  )
  watch(
    () => settings.value.theme,
    (preference) => void theme.change(preference, false),
    { immediate: true },
  )

  // The store lives as long as the window: it subscribes once, however often it is loaded.
  let subscribed = false

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true
      onEvent('settings:changed', (next) => {
        settings.value = next
      })
    }
    try {
      const [current, info] = await Promise.all([call('settings:get'), call('app:info')])
      settings.value = current
      appInfo.value = info
    } catch (error) {
      errors.report(error)
    } finally {
      loaded.value = true
    }
  }

  async function update(patch: SettingsPatch): Promise<void> {
    try {
      settings.value = await call('settings:update', patch)
    } catch (error) {
      errors.report(error)
    }
  }

  return { settings, appInfo, loaded, load, update }
})
