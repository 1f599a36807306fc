// Waits until every container of a compose project is running and healthy, driven by Docker's events.
import type { Readable } from 'node:stream'
import { AppError } from '@shared/errors'
import type { ShopContainer } from '@shared/shops'
import type { HostSession } from '../host/host-session'
import { listProjectContainers, PROJECT_LABEL } from './discovery'
import { shopLight, shopReason } from './status'

export interface WaitOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** Called with the containers whenever they change, for progress. */
  onChange?: (containers: ShopContainer[]) => void
}

export async function waitHealthy(session: HostSession, project: string, options: WaitOptions): Promise<ShopContainer[]> {
  const events = (await session.docker.getEvents({
    filters: { type: ['container'], label: [`${PROJECT_LABEL}=${project}`] },
  })) as unknown as Readable
  let last: ShopContainer[] = []
  try {
    return await new Promise<ShopContainer[]>((resolve, reject) => {
      let checking = false
      let again = false
      const check = async (): Promise<void> => {
        if (checking) {
          again = true
          return
        }
        checking = true
        try {
          do {
            again = false
            last = (await listProjectContainers(session.docker, project)).get(project) ?? []
            options.onChange?.(last)
            if (last.length > 0 && shopLight(last) === 'green') return resolve(last)
          } while (again)
        } catch (error) {
          reject(error)
        } finally {
          checking = false
        }
      }
      const timer = setTimeout(() => {
        reject(new AppError('timeout', `The shop was not healthy after ${Math.round(options.timeoutMs / 1000)} s (${shopReason(last) ?? 'no containers'}).`))
      }, options.timeoutMs)
      options.signal?.addEventListener('abort', () => reject(new AppError('cancelled', 'The operation was cancelled.')), { once: true })
      events.on('data', () => void check())
      events.once('close', () => clearTimeout(timer))
      void check()
    })
  } finally {
    events.destroy()
  }
}
