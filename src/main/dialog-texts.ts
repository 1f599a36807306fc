// The few words the main process shows itself (native dialogs), in the language chosen in the app.
import type { Locale } from '@shared/settings'

export interface DialogTexts {
  saveBackupIn: string
  chooseDownloadedBackup: string
  chooseComposeFile: string
}

const texts: Record<Locale, DialogTexts> = {
  de: { saveBackupIn: 'Backup speichern in …', chooseDownloadedBackup: 'Heruntergeladenes Backup wählen', chooseComposeFile: 'Compose-Datei wählen' },
  en: { saveBackupIn: 'Save the backup in …', chooseDownloadedBackup: 'Choose a downloaded backup', chooseComposeFile: 'Choose a compose file' },
}

export const dialogTexts = (locale: Locale): DialogTexts => texts[locale]
