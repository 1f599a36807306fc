// A fleet of shops for benchmarks: shop directories plus two labelled busybox containers each, created directly
// on the test bed's engine (faster than compose for hundreds), and removed again afterwards. Named after the
// benchmark (leftovers.ts), so a run that was killed leaves nothing the next one trips over.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Docker from 'dockerode'
import type { TestbedInfo } from '../../test/testbed/testbed'
import { dirPrefix, shopPrefix } from './leftovers'

export interface Fleet {
  baseDir: string
  shops: string[]
  docker: Docker
  remove(): Promise<void>
}

async function inBatches<T>(items: readonly T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run))
}

/** `part` tells two fleets of one benchmark apart (letters only; it becomes part of the shop names). */
export async function createFleet(info: TestbedInfo, count: number, bench: string, part = 'fleet'): Promise<Fleet> {
  const docker = new Docker({ socketPath: info.dockerSocket })
  const baseDir = join(info.ssh.baseDir, `${dirPrefix(bench)}${part}-${process.pid}`)
  mkdirSync(baseDir, { recursive: true })
  const shops = Array.from({ length: count }, (_, i) => `${shopPrefix(bench)}${part}${String(i).padStart(3, '0')}`)
  const containers: Docker.Container[] = []
  await inBatches(shops, 8, async (shop) => {
    mkdirSync(join(baseDir, shop))
    writeFileSync(join(baseDir, shop, 'docker-compose.yml'), 'services: {}\n')
    for (const [service, cmd] of [
      ['web', ['httpd', '-f', '-p', '8080']],
      ['worker', ['sleep', '3600']],
    ] as const) {
      const container = await docker.createContainer({
        name: `${shop}_${service}_1`,
        Image: info.image,
        Cmd: [...cmd],
        Labels: { 'com.docker.compose.project': shop, 'com.docker.compose.service': service },
        HostConfig: { RestartPolicy: { Name: 'unless-stopped' } },
      })
      await container.start()
      containers.push(container)
    }
  })
  execFileSync('chown', ['-R', `${info.ssh.user}:`, baseDir])
  return {
    baseDir,
    shops,
    docker,
    async remove() {
      await inBatches(containers, 16, (c) => c.remove({ force: true }).catch(() => undefined))
      rmSync(baseDir, { recursive: true, force: true })
    },
  }
}
