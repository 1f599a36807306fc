import 'vuetify/styles'
import { createVuetify } from 'vuetify'
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg'

export const vuetify = createVuetify({
  icons: { defaultSet: 'mdi', aliases, sets: { mdi } },
  theme: {
    defaultTheme: 'system',
    themes: {
      light: { colors: { primary: '#1565C0', secondary: '#FFC107' } },
      dark: { colors: { primary: '#64B5F6', secondary: '#FFD54F' } },
    },
  },
})
