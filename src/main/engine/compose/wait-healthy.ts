// Waits until every container of a compose project is running and healthy, driven by Docker's events, with a
// slow poll beside them: if the connection drops, the events stream ends, and the poll carries on after the
// session has reconnected.
import type { Readable } from 'node:stream'
import { AppError, cancelledError } from '@shared/errors'
import type { ShopContainer } from '@shared/shops'
import type Docker from 'dockerode'
import type { HealthOptions } from '../shop-runtime'
import { projectFilter } from '../host-layout'
import { failedJob, jobFailedError, notHealthyError, shopLight, shopReason } from '../shop-status'
import { readContainerLogs } from './container-logs'
import { listProjectContainers } from './containers'

/** The lines a failed job's error quotes. */
const JOB_LINES = 5

/** The error of a job that failed, with its last lines (masked). */
export async function jobFailure(docker: Docker, project: string, job: ShopContainer, mask: (text: string) => string): Promise<AppError> {
  const lines = await readContainerLogs(docker, project, { service: job.service, tail: JOB_LINES }, mask).catch(() => [])
  return jobFailedError(job.service, job.exitCode ?? -1, lines.map((l) => l.text).join('\n'))
}

export async function waitHealthy(docker: Docker, project: string, options: HealthOptions): Promise<ShopContainer[]> {
  let events: Readable | undefined
  let timer: NodeJS.Timeout | undefined
  let poll: NodeJS.Timeout | undefined
  let last: ShopContainer[] = []
  let lastError: Error | undefined
  try {
    return await new Promise<ShopContainer[]>((resolve, reject) => {
      let settled = false
      let checking = false
      let again = false
      const finish = (run: () => void): void => {
        if (!settled) run()
        settled = true
      }
      const check = async (): Promise<void> => {
        if (checking) {
          again = true
          return
        }
        checking = true
        try {
          do {
            again = false
            last = (await listProjectContainers(docker, project)).get(project) ?? []
            lastError = undefined
            options.onChange?.(last)
            if (last.length > 0 && shopLight(last) === 'green') return finish(() => resolve(last))
            // A one-off job that failed will not get better: the create fails now, with what the job said last.
            const job = failedJob(last)
            if (job) {
              const error = await jobFailure(docker, project, job, options.mask ?? ((text) => text))
              return finish(() => reject(error))
            }
            const broken = options.failOnUnhealthy ? notHealthyError(last) : null
            if (broken) return finish(() => reject(broken))
          } while (again && !settled)
        } catch (error) {
          // Connection trouble: the session reconnects on its own; the next poll asks again.
          lastError = error as Error
        } finally {
          checking = false
        }
      }
      timer = setTimeout(() => {
        const why = lastError ? lastError.message : (shopReason(last) ?? 'no containers')
        const seconds = Math.round(options.timeoutMs / 1000)
        finish(() =>
          reject(new AppError('timeout', `The shop was not healthy after ${seconds} s (${why}).`, { say: { key: 'healthTimeout', values: { seconds, why } } })),
        )
      }, options.timeoutMs)
      poll = setInterval(() => void check(), options.pollMs ?? 2000)
      options.signal?.addEventListener('abort', () => finish(() => reject(cancelledError())), { once: true })
      docker
        .getEvents({ filters: { type: ['container'], label: [projectFilter(project)] } })
        .then((stream) => {
          events = stream as unknown as Readable
          if (settled) return events.destroy()
          events.on('data', () => void check())
          events.on('error', () => undefined)
        })
        .catch(() => undefined)
      void check()
    })
  } finally {
    clearTimeout(timer)
    clearInterval(poll)
    events?.destroy()
  }
}
