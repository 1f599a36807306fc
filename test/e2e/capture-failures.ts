// Set up for every end-to-end file: a failed test leaves a picture of the page, where it was, and what the page
// reported (console errors, failed requests), to tell a UI problem from a slow host or a lost request.
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { launchedApp, outputDir } from './harness'

afterEach(async ({ task }) => {
  const app = launchedApp()
  if (task.result?.state !== 'fail' || !app) return
  const name = `${task.file.name.split('/').pop()}-${task.name}`.replace(/\W+/g, '-').slice(0, 80)
  await app.page.screenshot({ path: join(outputDir, `failed-${name}.png`), fullPage: true }).catch(() => undefined)
  const where = await app.page.evaluate(() => ({ url: location.hash, scrollY: window.scrollY, width: document.documentElement.scrollWidth })).catch(() => null)
  const snackbar = await app.page
    .getByTestId('error-snackbar')
    .innerText({ timeout: 100 })
    .catch(() => '')
  console.error(
    [`page when "${task.name}" failed: ${JSON.stringify(where)}`, snackbar && `snackbar: ${snackbar}`, ...app.diagnostics.slice(-20)]
      .filter(Boolean)
      .join('\n'),
  )
})
