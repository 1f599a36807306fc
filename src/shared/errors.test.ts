import { describe, expect, it } from 'vitest'
import { AppError, toAppError } from './errors'

describe('toAppError', () => {
  it('keeps an AppError as it is', () => {
    const error = new AppError('not_found', 'There is no host "x".')
    expect(toAppError(error)).toBe(error)
  })

  it('words anything else as internal, with its message', () => {
    expect(toAppError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'internal', message: 'Failed to fetch' })
    expect(toAppError('plain text')).toMatchObject({ code: 'internal', message: 'plain text' })
  })
})
