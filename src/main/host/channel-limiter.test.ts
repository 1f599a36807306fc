import { describe, expect, it } from 'vitest'
import { ChannelLimiter } from './channel-limiter'

describe('ChannelLimiter', () => {
  it('hands out slots in order as they are released', async () => {
    const limiter = new ChannelLimiter(1)
    const first = await limiter.acquire()
    const order: number[] = []
    const second = limiter.acquire().then((release) => (order.push(2), release))
    const third = limiter.acquire().then((release) => (order.push(3), release))
    first()
    ;(await second)()
    ;(await third)()
    expect(order).toEqual([2, 3])
    expect(limiter.inUse).toBe(0)
  })

  it('gives up waiting after the timeout and leaves the queue, so a later release goes to the next caller', async () => {
    const limiter = new ChannelLimiter(1)
    const held = await limiter.acquire()
    const started = performance.now()
    await expect(limiter.acquire(undefined, 50)).rejects.toMatchObject({ code: 'timeout' })
    expect(performance.now() - started).toBeLessThan(1000)
    expect(limiter.queued).toBe(0)
    const next = limiter.acquire()
    held()
    ;(await next)()
    expect(limiter.inUse).toBe(0)
  })

  it('stops waiting when cancelled', async () => {
    const limiter = new ChannelLimiter(1)
    await limiter.acquire()
    const controller = new AbortController()
    const waiting = limiter.acquire(controller.signal, 60_000)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' })
    expect(limiter.queued).toBe(0)
  })
})
