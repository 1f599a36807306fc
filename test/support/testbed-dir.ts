// Shared by the integration and end-to-end tiers: the docker CLI against the test bed's engine, and a base
// directory of a test file's own on the test bed host, with the `proxy` network every shop joins.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { TestbedInfo } from '../testbed/testbed'

export interface TestbedDocker {
  /** The environment that points the docker CLI (and docker-compose) at the test bed's engine. */
  env: NodeJS.ProcessEnv
  /** Runs the docker CLI; returns trimmed stdout. */
  docker: (...args: string[]) => string
}

export function testbedDocker(info: TestbedInfo): TestbedDocker {
  const env = { ...process.env, DOCKER_HOST: info.dockerHost }
  return { env, docker: (...args) => execFileSync('docker', args, { env, encoding: 'utf8' }).trim() }
}

/** `<test bed base>/<label>-<pid>`, owned by the SSH user, with the `proxy` network in place. */
export function testbedBaseDir(info: TestbedInfo, label: string): string {
  const { docker } = testbedDocker(info)
  const baseDir = join(info.ssh.baseDir, `${label}-${process.pid}`)
  mkdirSync(baseDir, { recursive: true })
  execFileSync('chown', [`${info.ssh.user}:`, baseDir])
  if (!docker('network', 'ls', '-q', '--filter', 'name=^proxy$')) docker('network', 'create', 'proxy')
  return baseDir
}
