import { describe, expect, it } from 'vitest'
import { containerLight, healthFromStatus, notHealthyError, shopLight, shopReason } from './shop-status'
import type { ShopContainer } from '@shared/shops'

const container = (service: string, state: string, health: string | null): ShopContainer => ({
  id: service,
  service,
  state,
  health,
  status: '',
  created: '',
  light: containerLight({ state, health }),
})

describe('traffic lights', () => {
  it.each([
    ['running', null, 'green'],
    ['running', 'healthy', 'green'],
    ['running', 'starting', 'yellow'],
    ['running', 'unhealthy', 'red'],
    ['restarting', null, 'yellow'],
    ['created', null, 'yellow'],
    ['exited', null, 'red'],
    ['dead', null, 'red'],
    ['paused', null, 'yellow'],
  ])('a %s container with health %s is %s', (state, health, light) => {
    expect(containerLight({ state, health })).toBe(light)
  })

  it('a shop is as good as its worst container, and red with none', () => {
    expect(shopLight([container('db', 'running', 'healthy'), container('app', 'running', null)])).toBe('green')
    expect(shopLight([container('db', 'running', 'healthy'), container('app', 'running', 'starting')])).toBe('yellow')
    expect(shopLight([container('db', 'exited', null), container('app', 'running', 'starting')])).toBe('red')
    expect(shopLight([])).toBe('red')
  })

  it('says which service holds the shop back', () => {
    expect(shopReason([container('db', 'running', 'unhealthy'), container('web', 'exited', null)])).toBe('db: unhealthy, web: exited')
    expect(shopReason([container('db', 'running', 'healthy')])).toBeNull()
    expect(shopReason([])).toBe('no containers')
  })

  it('reads health from the status text of a container list', () => {
    expect(healthFromStatus('Up 5 seconds (health: starting)')).toBe('starting')
    expect(healthFromStatus('Up 2 minutes (healthy)')).toBe('healthy')
    expect(healthFromStatus('Up 2 minutes (unhealthy)')).toBe('unhealthy')
    expect(healthFromStatus('Exited (0) 3 seconds ago')).toBeNull()
  })
})

describe('notHealthyError', () => {
  const job = (exitCode: number): ShopContainer => ({ ...container('init', 'exited', null), job: true, exitCode })

  it('names what will not get healthy by waiting, but not a job that is done', () => {
    expect(notHealthyError([job(0), container('web', 'running', 'starting')])).toBeNull()
    expect(notHealthyError([job(0), container('web', 'running', 'unhealthy'), container('db', 'exited', null)])).toMatchObject({
      code: 'timeout',
      say: { key: 'notHealthy', values: { services: 'web unhealthy, db exited' } },
    })
    expect(notHealthyError([job(2)])?.message).toBe('Not healthy: init exited.')
  })
})
