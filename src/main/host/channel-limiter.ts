// Bounds the SSH channels open at once below sshd's MaxSessions, queueing the rest in order.
import { AppError, cancelledError } from '@shared/errors'

export class ChannelLimiter {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly max: number) {}

  get inUse(): number {
    return this.active
  }

  get queued(): number {
    return this.waiting.length
  }

  /**
   * Resolves with a release function once a slot is free; rejects if the signal aborts, or timeoutMs passes,
   * while queued: behind channels that never close, an operation would otherwise wait past its own timeout.
   */
  acquire(signal?: AbortSignal, timeoutMs?: number): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelledError())
    if (this.active < this.max) {
      this.active++
      return Promise.resolve(this.releaser())
    }
    return new Promise((resolve, reject) => {
      const leave = (error: AppError): void => {
        const index = this.waiting.indexOf(grant)
        if (index >= 0) this.waiting.splice(index, 1)
        signal?.removeEventListener('abort', onAbort)
        clearTimeout(timer)
        reject(error)
      }
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort)
        clearTimeout(timer)
        this.active++
        resolve(this.releaser())
      }
      const onAbort = (): void => leave(cancelledError())
      const timer = timeoutMs
        ? setTimeout(() => leave(new AppError('timeout', `No SSH channel became free within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs)
        : undefined
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(grant)
    })
  }

  private releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      this.active--
      this.waiting.shift()?.()
    }
  }
}
