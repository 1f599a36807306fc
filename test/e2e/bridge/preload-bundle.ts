// The app's real preload (src/preload/index.ts), bundled for the e2e page with only `electron` replaced by
// electron-stand-in.ts. Built from source on every run, so what e2e runs is what the preload says now.
import { resolve } from 'node:path'
import { build, type Plugin } from 'esbuild'

const root = resolve(import.meta.dirname, '../../..')
const preloadEntry = resolve(root, 'src/preload/index.ts')
const standIn = resolve(import.meta.dirname, 'electron-stand-in.ts')

const electronStandIn: Plugin = {
  name: 'electron-stand-in',
  setup(build) {
    build.onResolve({ filter: /^electron$/ }, () => ({ path: standIn }))
  },
}

let bundled: Promise<string> | undefined

/** The preload as one script to inject into the page before the app starts (Playwright's addInitScript). */
export function preloadScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [preloadEntry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    // For the @shared paths, as the app's own build resolves them.
    tsconfig: resolve(root, 'tsconfig.node.json'),
    plugins: [electronStandIn],
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text)
  return bundled
}
