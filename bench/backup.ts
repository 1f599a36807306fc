// Backup and restore of a shop whose volume holds 1 GB (random data), through the app (archive with its checksum
// while the shop runs, pause, changes, resume, manifest / unpack checked into a new volume, switch, healthy, old
// volume removed), vs a plain `tar` of the same volume on the host and a plain `tar -x` of it; same run.
import { execFile, execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import type { OperationSnapshot } from '../src/shared/operations'
import { OperationRegistry } from '../src/main/operations/operation-registry'
import { OperationRunner } from '../src/main/operations/operation-runner'
import { composeEngine } from '../src/main/engine/compose/compose-engine'
import { startBackup, type BackupDeps } from '../src/main/shops/backup-shop'
import { startRestore } from '../src/main/shops/restore-shop'
import { TemplateService } from '../src/main/templates/template-service'
import { median, result, table, testbed } from './support/figures'
import { startBench } from './support/leftovers'
import { ShopRunner } from './support/shop-runner'

// The disk of this machine is noisy for 1 GB writes: 5 turns each, median, `sync` before each.
const RUNS = 5
const SIZE_MB = 1024
const info = testbed()
// Before the runner makes its directory: this clears the directories an earlier run left.
await startBench('backup', info, 900)
const run = promisify(execFile)
const runner = new ShopRunner(info, 'backup')
const progress = (text: string): void => void process.stderr.write(`backup: ${text}\n`)
const shop = runner.shop('bkp')

const waiters = new Map<string, (s: OperationSnapshot) => void>()
/** Per operation kind and step: ms from the step's start to its end, to show where the time goes. */
const stepTimes = new Map<string, number[]>()
const stepStart = new Map<string, number>()
const operations = new OperationRegistry((s) => {
  const now = performance.now()
  for (const step of s.steps) {
    const key = `${s.id}/${step.id}`
    if (step.status === 'running' && !stepStart.has(key)) stepStart.set(key, now)
    if ((step.status === 'done' || step.status === 'skipped') && stepStart.has(key) && stepStart.get(key)! >= 0) {
      const label = `${s.kind} ${step.id}`
      stepTimes.set(label, [...(stepTimes.get(label) ?? []), now - stepStart.get(key)!])
      stepStart.set(key, -1)
    }
  }
  if (s.status !== 'running') waiters.get(s.id)?.(s)
})
const templates = new TemplateService(resolve(import.meta.dirname, '../templates'), () => null)
const deps: BackupDeps = {
  engine: async () => composeEngine(runner.session),
  template: (id) => templates.get(id),
  runner: new OperationRunner(operations),
  user: 'bench',
  helperImage: info.image,
  keep: 2,
}
async function timed(start: () => OperationSnapshot): Promise<{ ms: number; snapshot: OperationSnapshot }> {
  const begin = performance.now()
  const snapshot = await new Promise<OperationSnapshot>((done) => {
    const first = start()
    waiters.set(first.id, done)
  })
  if (snapshot.status !== 'succeeded') throw new Error(`${snapshot.kind}: ${JSON.stringify(snapshot.error)}`)
  return { ms: performance.now() - begin, snapshot }
}

/** The shop's data volume now: each restore moves it to the next generation (bkp_data_g2, _g3, …). */
const current = (): string =>
  runner.docker('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', runner.docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`))

const backups: number[] = []
const restores: number[] = []
const raws: number[] = []
const extracts: number[] = []
let bytes = 0
try {
  progress(`shop with ${SIZE_MB} MB`)
  await runner.create(shop)
  const web = runner.docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`)
  await runner.dockerAsync('exec', web, 'sh', '-c', `for i in 1 2 3 4; do dd if=/dev/urandom of=/srv/data/part$i bs=1M count=${SIZE_MB / 4} 2>/dev/null; done`)
  bytes = Number(runner.docker('run', '--rm', '-v', `${shop}_data:/d`, info.image, 'du', '-sk', '/d').split(/\s/)[0]) * 1024
  for (let i = 1; i <= RUNS; i++) {
    progress(`run ${i} of ${RUNS}`)
    execFileSync('sync')
    const backup = await timed(() => startBackup({ hostId: 'testbed', shop }, deps).snapshot)
    backups.push(backup.ms)
    execFileSync('sync')
    restores.push((await timed(() => startRestore({ hostId: 'testbed', shop, backupId: backup.snapshot.result!.backupId!, confirm: shop }, deps).snapshot)).ms)
    execFileSync('sync')
    // The baseline: tar of the volume into a file on the host, as an admin would type it.
    const start = performance.now()
    await run(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${current()}:/from:ro`,
        '-v',
        `${runner.baseDir}:/to`,
        info.image,
        'sh',
        '-c',
        `cd /from && tar --numeric-owner -cf /to/raw${i}.tar .`,
      ],
      { env: runner.env },
    )
    raws.push(performance.now() - start)
    execFileSync('sync')
    // The baseline of the restore: that archive unpacked into a new volume, as an admin would.
    const target = runner.shop(`x${i}`)
    runner.docker('volume', 'create', target)
    const extractStart = performance.now()
    await run(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '-v',
        `${runner.baseDir}:/from:ro`,
        '-v',
        `${target}:/to`,
        info.image,
        'sh',
        '-c',
        `cd /to && tar --numeric-owner -xf /from/raw${i}.tar`,
      ],
      { env: runner.env },
    )
    extracts.push(performance.now() - extractStart)
    runner.docker('volume', 'rm', target)
    runner.docker('run', '--rm', '-v', `${runner.baseDir}:/to`, info.image, 'rm', '-f', `/to/raw${i}.tar`)
  }
} finally {
  runner.remove(shop)
  runner.close()
}

const mbS = (ms: number): number => bytes / 1024 / 1024 / (ms / 1000)
table(
  ['path', 'median s', 'MB/s'],
  [
    ['app backup (archive + CRC-32, pause, changes, resume, manifest)', median(backups) / 1000, mbS(median(backups))],
    ['tar of the volume on the host', median(raws) / 1000, mbS(median(raws))],
    ['app restore (unpack + CRC-32 check into a new volume, switch, healthy, old one removed)', median(restores) / 1000, mbS(median(restores))],
    ['tar -x of that archive into a new volume', median(extracts) / 1000, mbS(median(extracts))],
  ],
)
console.log(
  `goals: backup_mb_s ≥ 0.8 × raw_mb_s (${(median(raws) / median(backups)).toFixed(2)}), restore_mb_s ≥ 0.8 × raw_extract_mb_s (${(median(extracts) / median(restores)).toFixed(2)})`,
)
table(
  ['step', 'median ms'],
  [...stepTimes].map(([label, times]) => [label, median(times)]),
)
result('backup', {
  backup_mb_s: mbS(median(backups)),
  restore_mb_s: mbS(median(restores)),
  raw_mb_s: mbS(median(raws)),
  raw_extract_mb_s: mbS(median(extracts)),
})
