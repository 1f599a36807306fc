import { describe, expect, it } from 'vitest'
import { failureOf } from './discovery'

describe('a shop’s failure record', () => {
  it('keeps every operation the app knows, update and backup among them', () => {
    for (const operation of ['create', 'clone', 'update', 'edit', 'backup', 'restore', 'download', 'upload']) {
      expect(failureOf({ operation, step: 'x', message: 'm', at: 't' })?.operation).toBe(operation)
    }
  })

  it('says unknown for an operation it does not know, instead of calling it a create', () => {
    expect(failureOf({ operation: 'migrate', step: 'x', message: 'm', at: 't' })?.operation).toBe('unknown')
    expect(failureOf({ step: 'x' })?.operation).toBe('unknown')
  })
})
