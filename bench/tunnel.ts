// Docker API round trip (container list) through the app's SSH connection vs the local socket vs the docker
// CLI over ssh://, medians from the same run.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Docker from 'dockerode'
import { openHostSession } from '../src/main/host/host-session'
import { key, testbedProfile } from '../test/integration/support/hosts'
import { median, percentile, result, sample, table, testbed } from './support/figures'
import { createFleet } from './support/fleet'
import { dirPrefix, startBench } from './support/leftovers'
import { dockerOf } from '../src/main/engine/compose/docker-client'

const info = testbed()
await startBench('tunnel', info, 150)
const CALLS = 60
const CLI_CALLS = 20

/**
 * An ssh config that lets the docker CLI reach the test bed with its key and pinned host key. ssh reads its
 * config from the passwd home, not $HOME, so an `ssh` wrapper first on PATH passes it with -F.
 */
function sshHome(): string {
  const home = mkdtempSync(join(tmpdir(), `${dirPrefix('tunnel')}ssh-`))
  mkdirSync(join(home, '.ssh'), { mode: 0o700 })
  const hostKey = info.ssh.hostKeyPublic.split(' ').slice(0, 2).join(' ')
  writeFileSync(join(home, '.ssh', 'known_hosts'), `[${info.ssh.host}]:${info.ssh.port} ${hostKey}\n`)
  writeFileSync(
    join(home, '.ssh', 'config'),
    `Host ${info.ssh.host}\n  IdentityFile ${info.ssh.keys.ed25519}\n  IdentitiesOnly yes\n  StrictHostKeyChecking yes\n  UserKnownHostsFile ${join(home, '.ssh', 'known_hosts')}\n`,
    { mode: 0o600 },
  )
  mkdirSync(join(home, 'bin'))
  writeFileSync(join(home, 'bin', 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${join(home, '.ssh', 'config')} "$@"\n`, { mode: 0o755 })
  return home
}

const session = openHostSession(testbedProfile(info), { privateKey: key(info.ssh.keys.ed25519) })
const direct = new Docker({ socketPath: info.dockerSocket })
const home = sshHome()
const cliEnv = {
  ...process.env,
  HOME: home,
  PATH: `${join(home, 'bin')}:${process.env['PATH']}`,
  DOCKER_HOST: `ssh://${info.ssh.user}@${info.ssh.host}:${info.ssh.port}`,
}
const list = { all: true, filters: { label: ['com.docker.compose.project'] } }
let fleet: Awaited<ReturnType<typeof createFleet>> | undefined
try {
  // First an engine with nothing on it (pure per-call overhead), then a host with 20 shops of 2 containers.
  const emptyApp = await sample(CALLS, () => dockerOf(session).listContainers(list))
  const emptyLocal = await sample(CALLS, () => direct.listContainers(list))
  fleet = await createFleet(info, 20, 'tunnel')
  const app = await sample(CALLS, () => dockerOf(session).listContainers(list))
  const local = await sample(CALLS, () => direct.listContainers(list))
  const cli = await sample(CLI_CALLS, () => promisify(execFile)('docker', ['ps', '-a'], { env: cliEnv }), 1)
  const ratio = median(app) / median(local)
  console.log(`Docker API round trip (container list), ${info.ssh.user}@${info.ssh.host}:${info.ssh.port}`)
  table(
    ['path', 'containers', 'calls', 'median ms', 'p90 ms', 'x direct'],
    [
      ['app: one SSH connection, stream-local forward', 40, CALLS, median(app), percentile(app, 90), ratio],
      ['baseline: local Docker socket', 40, CALLS, median(local), percentile(local, 90), 1],
      ['baseline: docker CLI with -H ssh://', 40, CLI_CALLS, median(cli), percentile(cli, 90), median(cli) / median(local)],
      ['app, empty engine', 0, CALLS, median(emptyApp), percentile(emptyApp, 90), median(emptyApp) / median(emptyLocal)],
      ['local socket, empty engine', 0, CALLS, median(emptyLocal), percentile(emptyLocal, 90), 1],
    ],
  )
  console.log(`goal: app <= 1.3x direct -> ${ratio <= 1.3 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x with 40 containers)`)
  result('tunnel', { app_ms: median(app), direct_ms: median(local), cli_ssh_ms: median(cli), ratio_app_direct: ratio })
} finally {
  session.close()
  await fleet?.remove()
  rmSync(home, { recursive: true, force: true })
}
