// The gate's bundle as the app ships it (out/gate/shopmgr-gate.mjs, built by `npm run build:gate`), with the
// version it reports itself: asked by running it once here, with the Node this app runs on.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { AppError } from '@shared/errors'
import type { GateBundle } from './gate-install'

const run = promisify(execFile)

/** The version in the gate's answer to `--version`: a line `{"type":"result","value":{"version":"…"}}`. */
export function versionFromAnswer(stdout: string): string | null {
  for (const line of stdout.split('\n')) {
    try {
      const answer = JSON.parse(line) as { type?: unknown; value?: { version?: unknown } }
      if (answer.type === 'result' && typeof answer.value?.version === 'string') return answer.value.version
    } catch {
      // not the answer line
    }
  }
  return null
}

export async function readGateBundle(file: string): Promise<GateBundle> {
  let code: string
  try {
    code = await readFile(file, 'utf8')
  } catch (error) {
    throw new AppError('internal', `The gate program ${file} is missing from this installation (${(error as NodeJS.ErrnoException).code ?? String(error)}).`)
  }
  // In Electron, process.execPath is the app; ELECTRON_RUN_AS_NODE makes it the Node it contains.
  const answer = await run(process.execPath, [file, '--version'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 20_000 }).catch(
    (error: Error & { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  )
  const version = versionFromAnswer(answer.stdout)
  if (!version) throw new AppError('internal', `The gate program ${file} did not say its version.`)
  return { version, code }
}
