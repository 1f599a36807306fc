// The traffic light of a container and of a shop, from what Docker reports.
import type { StepNote } from '@shared/operations'
import type { ShopContainer, ShopLight } from '@shared/shops'

export interface ContainerFacts {
  state: string
  health: string | null
}

/** green: running and healthy (or no check); yellow: on its way; red: stopped, dead or unhealthy. */
export function containerLight({ state, health }: ContainerFacts): ShopLight {
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

/** "web: healthy, db: starting": each container's health, or its state without a health check. */
export function describeContainers(containers: readonly ContainerState[]): string {
  return containers.map((c) => `${c.service}: ${c.health ?? c.state}`).join(', ')
}

/** The same as a step note, which the renderer words: service → its health, or its state. */
export function containersNote(containers: readonly ContainerState[]): StepNote {
  return { key: 'services', values: Object.fromEntries(containers.map((c) => [c.service, c.health ?? c.state])) }
}
