// Create to all-healthy: the test template through the app (SSH, SFTP, compose, Docker events) against the same
// compose file brought up with the compose CLI on the host plus a wait for healthy; medians of 5, same run. Then the
// database template (PostgreSQL, an init job, app, web) the same way, medians of 3.
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { median, result, table, testbed } from './support/figures'
import { startBench } from './support/leftovers'
import { ShopRunner } from './support/shop-runner'
import { generateSecrets, resolveParams } from '../src/main/templates/parameters'
import { renderShop } from '../src/main/templates/render'
import { TemplateService } from '../src/main/templates/template-service'

const RUNS = 5
const DB_RUNS = 3
const info = testbed()
// Before the runner makes its directory: this clears the directories an earlier run left.
await startBench('create', info, 900)
const run = promisify(execFile)
const runner = new ShopRunner(info, 'create')
const progress = (text: string): void => void process.stderr.write(`create: ${text}\n`)

const templates = new TemplateService(resolve(import.meta.dirname, '../templates'), () => resolve(import.meta.dirname, '../test/fixtures/templates'))

/**
 * The same compose file as the app writes, brought up by `docker-compose up -d` (which waits for the conditions of
 * `depends_on`, a job's exit among them), then Docker asked until every service that is not a job is healthy.
 */
async function cliCreate(name: string, templateId = 'busybox'): Promise<number> {
  const template = await templates.get(templateId)
  const healthy = Object.keys(template.compose.services).filter((service) => !template.manifest.jobs.includes(service)).length
  const dir = join(runner.baseDir, name)
  mkdirSync(dir)
  for (const [file, content] of Object.entries(template.files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), content)
  }
  const params = resolveParams(template.manifest, {})
  const rendered = renderShop(template, { name, domain: `${name}.shops.test`, params, secrets: generateSecrets(template.manifest), certResolver: null })
  writeFileSync(join(dir, 'docker-compose.yml'), rendered.compose)
  writeFileSync(join(dir, '.env'), rendered.env, { mode: 0o600 })
  const start = performance.now()
  await run('docker-compose', ['--ansi', 'never', '-p', name, 'up', '-d'], { cwd: dir, env: runner.env })
  for (;;) {
    const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${name}`, '--filter', 'health=healthy'], {
      env: runner.env,
    })
    if (stdout.trim().split('\n').filter(Boolean).length >= healthy) break
  }
  return performance.now() - start
}

const app: number[] = []
const cli: number[] = []
const dbApp: number[] = []
const dbCli: number[] = []
const names: string[] = []
try {
  // One create first, so both sides start with warm caches (image, compose's Python, the SSH connection).
  progress('warm-up')
  names.push(runner.shop('warm'))
  await runner.create(runner.shop('warm'))
  names.push(runner.shop('warmcli'))
  await cliCreate(runner.shop('warmcli'))
  for (let i = 1; i <= RUNS; i++) {
    progress(`run ${i} of ${RUNS}`)
    names.push(runner.shop(`app${i}`), runner.shop(`cli${i}`))
    app.push((await runner.create(runner.shop(`app${i}`))).totalMs)
    cli.push(await cliCreate(runner.shop(`cli${i}`)))
  }
  for (let i = 1; i <= DB_RUNS; i++) {
    progress(`database template, run ${i} of ${DB_RUNS}`)
    names.push(runner.shop(`dbapp${i}`), runner.shop(`dbcli${i}`))
    dbApp.push((await runner.create(runner.shop(`dbapp${i}`), 'pg-shop')).totalMs)
    dbCli.push(await cliCreate(runner.shop(`dbcli${i}`), 'pg-shop'))
  }
} finally {
  for (const name of names) runner.remove(name)
  runner.close()
}

const appS = median(app) / 1000
const cliS = median(cli) / 1000
table(
  ['path', 'median s', 'min s', 'max s'],
  [
    ['app: Create → all healthy', appS, Math.min(...app) / 1000, Math.max(...app) / 1000],
    ['compose CLI on the host + wait', cliS, Math.min(...cli) / 1000, Math.max(...cli) / 1000],
    ['database template: app', median(dbApp) / 1000, Math.min(...dbApp) / 1000, Math.max(...dbApp) / 1000],
    ['database template: compose CLI + wait', median(dbCli) / 1000, Math.min(...dbCli) / 1000, Math.max(...dbCli) / 1000],
  ],
)
console.log(`goals: app overhead ≤ 0.5 s; db_app_s − db_cli_s ≤ 0.5`)
result('create', { app_s: appS, cli_s: cliS, overhead_s: appS - cliS, db_app_s: median(dbApp) / 1000, db_cli_s: median(dbCli) / 1000 })
