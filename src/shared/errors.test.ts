import { describe, expect, it } from 'vitest'
import { AppError, errorFromPayload, isErrorSay, toAppError } from './errors'

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

describe('what an error says in words', () => {
  it('travels with the error across the envelope, and a malformed one is dropped', () => {
    const error = new AppError('invalid_input', 'A shop named "laden" already exists on this host.', { say: { key: 'nameTaken', values: { name: 'laden' } } })
    const payload = JSON.parse(JSON.stringify(error.toPayload())) as unknown
    expect(errorFromPayload(payload).say).toEqual({ key: 'nameTaken', values: { name: 'laden' } })
    expect(errorFromPayload({ ...(payload as object), say: { key: 'noSuchKey' } }).say).toBeUndefined()
    expect(errorFromPayload({ ...(payload as object), say: { key: 'nameTaken', values: { name: { nested: 1 } } } }).say).toBeUndefined()
    expect(isErrorSay({ key: 'cancelled' })).toBe(true)
  })
})
