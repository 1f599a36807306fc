// Clone throughput and the source's pause: a shop whose volume holds 1 GB and then 4 GB (and a writer that keeps
// appending to a log, as a shop does), cloned through the app (first pass while it runs, pause, changes, resume,
// with helper containers on the host), against a plain tar pipe between two volumes on the host; same run. Then
// the database template cloned with its rows.
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { RAW_COPY } from '../src/main/shops/volume-copy'
import { median, result, table, testbed } from './support/figures'
import { startBench } from './support/leftovers'
import { ShopRunner } from './support/shop-runner'

// This machine's disk is noisy for 1 GB writes (0.9–2 s for the same copy): several turns each, median.
const RUNS: Record<number, number> = { 1024: 5, 4096: 3 }
const SIZES_MB = [1024, 4096]
const info = testbed()
// Before the runner makes its directory: this clears the directories an earlier run left.
await startBench('clone', info, 600)
const run = promisify(execFile)
const runner = new ShopRunner(info, 'clone')
const progress = (text: string): void => void process.stderr.write(`clone: ${text}\n`)
const MB = 1024 * 1024

/** The plain pipe, as an admin would type it: a throw-away container with both volumes, tar to tar. */
async function rawCopy(from: string, to: string): Promise<number> {
  runner.docker('volume', 'create', to)
  const start = performance.now()
  await run('docker', ['run', '--rm', '--network', 'none', '-v', `${from}:/from:ro`, '-v', `${to}:/to`, info.image, 'sh', '-c', RAW_COPY], { env: runner.env })
  const ms = performance.now() - start
  runner.docker('volume', 'rm', to)
  return ms
}

const rows: Array<[string, number, number, number, number, number]> = []
const figures = new Map<number, { app: number; raw: number; paused: number }>()
const names: string[] = []
const sql = (shop: string, query: string): string =>
  runner.docker('exec', runner.container(shop, 'db'), 'psql', '-h', '/tmp', '-U', 'shop', '-XAtq', '-c', query)
let db: { source: number; clone: number; paused: number } | undefined
try {
  for (const size of SIZES_MB) {
    const source = runner.shop(`src${size}`)
    names.push(source)
    progress(`source shop with ${size} MB`)
    await runner.create(source)
    const web = runner.docker('ps', '-q', '--filter', `label=com.docker.compose.project=${source}`)
    // Incompressible data in a few files, as a database's would be.
    await runner.dockerAsync(
      'exec',
      web,
      'sh',
      '-c',
      `for i in 1 2 3 4; do dd if=/dev/urandom of=/srv/data/part$i bs=1M count=${size / 4} 2>/dev/null; done; sync`,
    )
    // A writer the whole time, ten lines a second: the final pass has changes to take.
    runner.docker('exec', '-d', web, 'sh', '-c', 'while :; do date >> /srv/data/writes.log; sleep 0.1; done')
    const bytes = Number(runner.docker('run', '--rm', '-v', `${source}_data:/d`, info.image, 'du', '-sk', '/d').split(/\s/)[0]) * 1024
    const app: number[] = []
    const paused: number[] = []
    const back: number[] = []
    const raw: number[] = []
    const appCopy = async (i: number): Promise<void> => {
      const name = runner.shop(`c${size}x${i}`)
      names.push(name)
      const figures = ShopRunner.copyFigures(await runner.clone(source, name))
      app.push(figures.copyMs)
      paused.push(figures.pausedMs)
      back.push(figures.backMs)
      runner.remove(name)
    }
    const rawRun = async (i: number): Promise<void> => void raw.push(await rawCopy(`${source}_data`, runner.shop(`raw${size}x${i}`)))
    for (let i = 1; i <= RUNS[size]!; i++) {
      progress(`${size} MB, run ${i} of ${RUNS[size]!}`)
      // Each copy writes the volume anew: flush the last one's writes (and deletes) first; take turns at going first.
      for (const copy of i % 2 ? [appCopy, rawRun] : [rawRun, appCopy]) {
        execFileSync('sync')
        await copy(i)
      }
    }
    progress(
      `${size} MB samples: app ${app.map((x) => Math.round(x)).join(' ')} / paused ${paused.map((x) => Math.round(x)).join(' ')} / raw ${raw.map((x) => Math.round(x)).join(' ')}`,
    )
    const appMbS = bytes / MB / (median(app) / 1000)
    const rawMbS = bytes / MB / (median(raw) / 1000)
    figures.set(size, { app: appMbS, raw: rawMbS, paused: median(paused) / 1000 })
    rows.push([`${size} MB`, appMbS, rawMbS, appMbS / rawMbS, median(paused) / 1000, median(back) / 1000])
    runner.remove(source)
  }
  // The database template (PostgreSQL, an init job, app and web): a source with 200 000 rows beside its seeded
  // ones, cloned while it runs; the rows each database holds afterwards (nothing writes meanwhile, so equal) and
  // how long the source was paused.
  progress('database template')
  const dbSource = runner.shop('dbsrc')
  const dbClone = runner.shop('dbclone')
  names.push(dbSource, dbClone)
  await runner.create(dbSource, 'pg-shop')
  sql(dbSource, "insert into items(name) select 'row ' || n from generate_series(1, 200000) as n")
  const copy = ShopRunner.copyFigures(await runner.clone(dbSource, dbClone))
  db = { source: Number(sql(dbSource, 'select count(*) from items')), clone: Number(sql(dbClone, 'select count(*) from items')), paused: copy.pausedMs / 1000 }
} finally {
  for (const name of names) runner.remove(name)
  runner.close()
}

table(['volume', 'app MB/s', 'tar pipe MB/s', 'ratio', 'source paused s', 'source back s'], rows)
const one = figures.get(1024)!
const four = figures.get(4096)!
if (!db) throw new Error('the database template was not cloned')
console.log(`database template: ${db.source} rows in the source, ${db.clone} in the clone, source paused ${db.paused.toFixed(2)} s`)
console.log('goals: ratio ≥ 0.8 (RESULT: the 1 GB volume); paused_1g_s ≤ 1; paused_4g_s ≤ 1.5 × paused_1g_s; db_rows_clone = db_rows_source')
console.log(`paused 4 GB / 1 GB: ${(four.paused / one.paused).toFixed(2)}`)
result('clone', {
  app_mb_s: one.app,
  raw_mb_s: one.raw,
  ratio: one.app / one.raw,
  paused_1g_s: one.paused,
  paused_4g_s: four.paused,
  db_rows_source: db.source,
  db_rows_clone: db.clone,
  db_paused_s: db.paused,
})
