// vitest globalSetup for the integration and e2e tiers: brings the real test bed up (or reuses a running
// one), provides its description to the tests, and takes it down afterwards only if this run started it.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { parseTestbedInfo } from './testbed'

const script = resolve(import.meta.dirname, 'testbed.sh')

interface ScriptResult {
  code: number
  output: string
}

function testbed(command: 'up' | 'down' | 'status'): Promise<ScriptResult> {
  return new Promise((done) => {
    execFile('bash', [script, command], { maxBuffer: 16 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      done({ code, output: `${stdout}${stderr}`.trim() })
    })
  })
}

export default async function setup({ provide }: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
  const before = await testbed('status')
  const wasUp = before.code === 0
  const keep = process.env.SHOPMGR_TESTBED_KEEP === '1'
  const up = await testbed('up')
  if (up.code !== 0) {
    // Stop what this attempt started, then fail the run; never skip: the integration tier is required in CI.
    if (!wasUp && !keep) await testbed('down')
    throw new Error(`test bed did not come up (bash ${script} up, exit ${up.code}):\n${up.output}`)
  }
  const dir = process.env.SHOPMGR_TESTBED_DIR || '/tmp/shopmgr-testbed'
  const jsonPath = join(dir.replace(/\/+$/, ''), 'testbed.json')
  const info = parseTestbedInfo(await readFile(jsonPath, 'utf8'), jsonPath)
  provide('testbed', info)
  process.env.SHOPMGR_TESTBED_JSON = jsonPath
  process.env.DBUS_SESSION_BUS_ADDRESS = info.keyring.dbusAddress

  return async () => {
    if (wasUp || keep) return
    const down = await testbed('down')
    if (down.code !== 0) throw new Error(`test bed did not go down (bash ${script} down, exit ${down.code}):\n${down.output}`)
  }
}
