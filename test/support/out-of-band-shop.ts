// Shops made the way an admin would by hand on the host: a directory with a compose file, then compose up.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestbedInfo } from '../testbed/testbed'

export interface OutOfBandShops {
  create(baseDir: string, name: string): string
  compose(dir: string, ...args: string[]): string
  /** `compose down` for every project created, for afterAll. */
  removeAll(): void
  /** Tracks a compose project made elsewhere so removeAll takes it down too. */
  track(dir: string, project: string): void
}

export function outOfBandShops(info: TestbedInfo): OutOfBandShops {
  const started: Array<{ dir: string; project: string }> = []
  const compose = (dir: string, ...args: string[]): string =>
    execFileSync('docker-compose', ['--ansi', 'never', ...args], {
      cwd: dir,
      env: { ...process.env, DOCKER_HOST: info.dockerHost },
      encoding: 'utf8',
      stdio: 'pipe',
    })
  return {
    compose,
    track: (dir, project) => void started.push({ dir, project }),
    create(baseDir, name) {
      const dir = join(baseDir, name)
      mkdirSync(dir, { recursive: true })
      writeFileSync(
        join(dir, 'docker-compose.yml'),
        `version: "2.4"
services:
  web:
    image: ${info.image}
    command: ["httpd", "-f", "-p", "8080"]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
      interval: 1s
      retries: 3
  worker:
    image: ${info.image}
    command: ["sleep", "3600"]
`,
      )
      writeFileSync(
        join(dir, 'shop.json'),
        JSON.stringify({ template: 'busybox', domain: `${name}.shops.test`, description: 'Demo\nshop', createdAt: '2026-11-22T10:00:00Z', createdBy: 'anna' }),
      )
      execFileSync('chown', ['-R', `${info.ssh.user}:`, dir])
      started.push({ dir, project: name })
      compose(dir, '-p', name, 'up', '-d')
      return dir
    },
    removeAll() {
      for (const { dir, project } of started.splice(0)) {
        try {
          compose(dir, '-p', project, 'down', '-t', '1')
        } catch {
          // already gone
        }
      }
    },
  }
}
