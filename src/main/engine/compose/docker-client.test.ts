import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { dockerTransportError } from './docker-client'

describe('Docker transport errors', () => {
  it('a call cut off by a dropped connection is said as such, in the app’s words', () => {
    for (const error of [
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      new Error('socket hang up'),
      Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }),
    ]) {
      expect(dockerTransportError(error, 'copying a volume')).toMatchObject({ code: 'connection_lost', say: { key: 'droppedMidway' } })
    }
  })

  it('leaves the engine’s own answers and the app’s errors as they are', () => {
    const answer = Object.assign(new Error('no such volume'), { statusCode: 404 })
    expect(dockerTransportError(answer, 'x')).toBe(answer)
    const own = new AppError('busy', 'busy')
    expect(dockerTransportError(own, 'x')).toBe(own)
  })
})
