// Playwright's _electron smoke test: runs wherever the Electron binary is installed, and says so where not.
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { _electron as electron } from 'playwright'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

/**
 * The Electron binary's path, or why there is none. Read from the package's path.txt rather than
 * require('electron'), which would try to download the binary as a side effect.
 */
function findElectron(): { path: string } | { missing: string } {
  const packageDir = join(root, 'node_modules/electron')
  const pathFile = join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) return { missing: `the Electron binary is not installed (no ${pathFile}; installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?)` }
  const relative = readFileSync(pathFile, 'utf8').trim()
  const distDir = process.env['ELECTRON_OVERRIDE_DIST_PATH'] ?? join(packageDir, 'dist')
  const path = join(distDir, relative)
  return existsSync(path) ? { path } : { missing: `the Electron binary ${path} does not exist` }
}

const found = findElectron()

describe('Electron shell', () => {
  it('starts the packaged main process and shows the German shell', async (context) => {
    if ('missing' in found) {
      const reason = `NOT RUN: Electron smoke test skipped because ${found.missing}`
      console.warn(reason)
      context.skip(reason)
      return
    }
    const userData = await mkdtemp(join(tmpdir(), 'shopmgr-electron-'))
    const app = await electron.launch({
      executablePath: found.path,
      args: [join(root, 'out/main/index.js'), `--user-data-dir=${userData}`],
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
    })
    try {
      const window = await app.firstWindow()
      await window.getByTestId('status-bar').waitFor()
      expect(await window.getByTestId('nav-drafts').innerText()).toContain('Entwürfe')
      // The security settings the checklist asks for hold in the real window.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
      expect(await window.evaluate(() => typeof (window as unknown as { api: unknown }).api)).toBe('object')
    } finally {
      await app.close()
      await rm(userData, { recursive: true, force: true })
    }
  })
})
