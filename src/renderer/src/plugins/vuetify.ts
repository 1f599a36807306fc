import 'vuetify/styles'
import { createVuetify } from 'vuetify'
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg'
import { de, en } from 'vuetify/locale'

export const vuetify = createVuetify({
  icons: { defaultSet: 'mdi', aliases, sets: { mdi } },
  // Vuetify's own texts (table paging, ...) follow the app's language; the settings store switches it.
  locale: { locale: 'de', fallback: 'en', messages: { de, en } },
  theme: {
    defaultTheme: 'system',
    themes: {
      light: { colors: { primary: '#1565C0', secondary: '#FFC107' } },
      dark: { colors: { primary: '#64B5F6', secondary: '#FFD54F' } },
    },
  },
})
