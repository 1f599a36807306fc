// The traffic light of a container and of a shop, from what Docker reports.
import { AppError } from '@shared/errors'
import type { StepNote } from '@shared/operations'
import type { ShopContainer, ShopLight } from '@shared/shops'

export interface ContainerFacts {
  state: string
  health: string | null
  job?: boolean | undefined
  exitCode?: number | undefined
}

/**
 * green: running and healthy (or no check), or a one-off job that exited 0; yellow: on its way (a job still
 * running); red: stopped, dead, unhealthy, or a job that failed.
 */
export function containerLight({ state, health, job, exitCode }: ContainerFacts): ShopLight {
  if (job) {
    if (state === 'exited') return exitCode === 0 ? 'green' : 'red'
    return state === 'dead' ? 'red' : 'yellow'
  }
  if (state === 'running') {
    if (health === 'unhealthy') return 'red'
    if (health === 'starting') return 'yellow'
    return 'green'
  }
  // Paused: frozen for a copy (clone, backup) a moment long, not failed.
  if (state === 'restarting' || state === 'created' || state === 'paused') return 'yellow'
  return 'red'
}

const rank: Record<ShopLight, number> = { green: 0, yellow: 1, red: 2 }

/** A shop is as good as its worst container; a shop without containers is red (they are missing). */
export function shopLight(containers: readonly Pick<ShopContainer, 'light'>[]): ShopLight {
  if (containers.length === 0) return 'red'
  return containers.reduce<ShopLight>((worst, c) => (rank[c.light] > rank[worst] ? c.light : worst), 'green')
}

export function shopReason(containers: readonly ShopContainer[]): string | null {
  if (containers.length === 0) return 'no containers'
  const bad = containers.filter((c) => c.light !== 'green')
  if (bad.length === 0) return null
  return bad.map((c) => `${c.service}: ${c.health && c.state === 'running' ? c.health : c.state}`).join(', ')
}

/** Docker's list reports health only inside the status text: "Up 5 seconds (health: starting)". */
export function healthFromStatus(status: string): string | null {
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(status)
  if (!match?.[1]) return null
  return match[1] === 'health: starting' ? 'starting' : match[1]
}

type ContainerState = Pick<ShopContainer, 'service' | 'health' | 'state'>

/** A one-off job exited with another code than 0: the create fails with what it said last (already masked). */
export function jobFailedError(service: string, code: number, said: string): AppError {
  return new AppError('internal', `The job ${service} failed (exit ${code})${said ? `:\n${said}` : '.'}`, {
    say: { key: 'jobFailed', values: { service, code, lines: said || '—' } },
  })
}

/** A one-off job that ran and failed, if any: it will not get better by waiting. */
export function failedJob<T extends Pick<ShopContainer, 'job' | 'state' | 'exitCode'>>(containers: readonly T[]): T | undefined {
  return containers.find((c) => c.job && c.state === 'exited' && c.exitCode !== 0)
}

/**
 * The error for containers that will not get healthy by waiting (unhealthy, stopped, dead), or null when none is.
 * A one-off job that exited 0 is done, not stopped: a restore or update of a shop with an install job waits on.
 */
export function notHealthyError(containers: readonly ShopContainer[]): AppError | null {
  const broken = containers.filter((c) => c.health === 'unhealthy' || c.state === 'dead' || (c.state === 'exited' && !(c.job && c.exitCode === 0)))
  if (broken.length === 0) return null
  const services = broken.map((c) => `${c.service} ${c.health === 'unhealthy' ? 'unhealthy' : c.state}`).join(', ')
  return new AppError('timeout', `Not healthy: ${services}.`, { say: { key: 'notHealthy', values: { services } } })
}

/** "web: healthy, db: starting": each container's health, or its state without a health check. */
export function describeContainers(containers: readonly ContainerState[]): string {
  return containers.map((c) => `${c.service}: ${c.health ?? c.state}`).join(', ')
}

/** The same as a step note, which the renderer words: service → its health, or its state (a job that exited 0: done). */
export function containersNote(containers: readonly (ContainerState & Pick<ShopContainer, 'job' | 'exitCode'>)[]): StepNote {
  const word = (c: ContainerState & Pick<ShopContainer, 'job' | 'exitCode'>): string =>
    c.job && c.state === 'exited' ? (c.exitCode === 0 ? 'done' : 'failed') : (c.health ?? c.state)
  return { key: 'services', values: Object.fromEntries(containers.map((c) => [c.service, word(c)])) }
}
