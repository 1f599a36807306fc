// The gate as one self-contained ES module for the host (out/gate/shopmgr-gate.mjs): Node's builtins stay imports,
// everything else (zod, yaml, dockerode, ssh2 …) is bundled in, so the host needs nothing but a Node binary.
// Electron, keytar and electron-store are refused outright: the gate must never pull the desktop app in.
import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { defineConfig, type Plugin } from 'vite'

const desktopOnly = ['electron', 'keytar', 'electron-store', 'conf']

/** Fails the build when anything in the gate's import graph reaches the desktop app's own modules. */
function refuseDesktopModules(): Plugin {
  return {
    name: 'shopmgr-gate-refuse-desktop',
    enforce: 'pre',
    resolveId(source, importer) {
      if (desktopOnly.some((name) => source === name || source.startsWith(`${name}/`))) {
        this.error(`the gate must not import "${source}" (imported by ${importer ?? '?'})`)
      }
      return null
    },
  }
}

const NO_NATIVE = '\0shopmgr-gate-no-native:'
const NO_BUILDKIT = '\0shopmgr-gate-no-buildkit:'

/**
 * ssh2's optional native addons (its crypto binding, cpu-features) are loaded in a try/catch with a pure-JS
 * fallback: in the bundle their require throws, so the host needs no compiler and no addon of the right ABI.
 * dockerode's BuildKit modules are left out too (below).
 */
function withoutNativeAddons(): Plugin {
  return {
    name: 'shopmgr-gate-without-native-addons',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source.endsWith('.node') || source === 'cpu-features') return `${NO_NATIVE}${source}`
      // dockerode's BuildKit session (gRPC, protobuf: half the bundle and a tenth of every start) serves image
      // builds, which the engine never asks dockerode for.
      if (importer?.includes('/dockerode/lib/') && (source === './session' || source === './buildkit')) return `${NO_BUILDKIT}${source}`
      return null
    },
    load(id) {
      if (id.startsWith(NO_NATIVE)) return `throw new Error(${JSON.stringify(`${id.slice(NO_NATIVE.length)} is not bundled into the gate`)})`
      if (id.startsWith(NO_BUILDKIT)) return `module.exports = function () { throw new Error('BuildKit is not bundled into the gate') }`
      return null
    },
  }
}

/** CommonJS dependencies (ssh2, dockerode) look for require, __filename and __dirname, which an ES module lacks. */
const commonJsGlobals = [
  "import { createRequire as __gateCreateRequire } from 'node:module'",
  "import { fileURLToPath as __gateFileURLToPath } from 'node:url'",
  "import { dirname as __gateDirname } from 'node:path'",
  'const require = __gateCreateRequire(import.meta.url)',
  'const __filename = __gateFileURLToPath(import.meta.url)',
  'const __dirname = __gateDirname(__filename)',
].join(';\n')

const builtins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src/shared') } },
  plugins: [refuseDesktopModules(), withoutNativeAddons()],
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: resolve(import.meta.dirname, 'src/gate/main.ts'),
    outDir: resolve(import.meta.dirname, 'out/gate'),
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    sourcemap: false,
    rollupOptions: {
      external: builtins,
      output: { format: 'es', entryFileNames: 'shopmgr-gate.mjs', codeSplitting: false, banner: commonJsGlobals },
    },
  },
})
