import { posix } from 'node:path'
import { describe, expect, it } from 'vitest'
import { backupIdField } from '@shared/contract'
import { FakeStore } from '../engine/fake/fake-store'
import { backupId, reserveBackupId } from './backup-id'

const at = new Date('2026-11-22T23:15:00.123Z')

describe('backup ids', () => {
  it('are the time to the millisecond with random hex, and the contract takes them and the ids made before', () => {
    expect(backupId(at, '3f9a')).toBe('2026-11-22T23-15-00-123Z-3f9a')
    expect(backupId(at)).toMatch(/^2026-11-22T23-15-00-123Z-[0-9a-f]{4}$/)
    for (const id of [backupId(at), '2026-11-22T23-15-00Z']) expect(backupIdField.safeParse(id).success).toBe(true)
    for (const id of ['2026-11-22T23-15-00-123Z', '2026-11-22T23-15-00-123Z-3F9A', '2026-11-22T23-15-00-12Z-3f9a', '../2026-11-22T23-15-00Z']) {
      expect(backupIdField.safeParse(id).success).toBe(false)
    }
  })

  it('sort newest first as text, old and new formats together, the same by localeCompare as by byte order (the prune’s)', () => {
    const byTime = [
      // An old id has no milliseconds: it sorts as the newest of its second.
      '2026-11-22T23-15-01Z',
      '2026-11-22T23-15-01-000Z-0000',
      '2026-11-22T23-15-00Z',
      '2026-11-22T23-15-00-999Z-0000',
      '2026-11-22T23-15-00-123Z-ffff',
      '2026-11-22T23-15-00-123Z-3f9a',
      '2026-11-22T23-15-00-005Z-a000',
      '2026-11-22T23-14-59Z',
      '2026-11-22T23-14-59-999Z-ffff',
      '2025-12-31T23-59-59Z',
    ]
    const shuffled = [3, 7, 0, 9, 5, 1, 8, 2, 6, 4].map((i) => byTime[i]!)
    expect([...shuffled].sort((a, b) => b.localeCompare(a))).toEqual(byTime)
    expect([...shuffled].sort((a, b) => b.localeCompare(a, 'de'))).toEqual(byTime)
    expect([...shuffled].sort().reverse()).toEqual(byTime)
  })

  it('two backups in the same millisecond get two folders, even when they draw the same random digits', async () => {
    const store = new FakeStore()
    const shopDir = store.dir('alt')
    const digits = ['3f9a', '3f9a', '77aa']
    const draw = (): string => digits.shift()!
    const first = await reserveBackupId(store, shopDir, () => at, draw)
    const second = await reserveBackupId(store, shopDir, () => at, draw)
    expect([first, second]).toEqual(['2026-11-22T23-15-00-123Z-3f9a', '2026-11-22T23-15-00-123Z-77aa'])
    expect(store.entriesIn(posix.join(shopDir, 'backups'))).toEqual([first, second])
  })

  it('never takes a folder that is there: the same digits every time is an error, not a shared folder', async () => {
    const store = new FakeStore()
    await reserveBackupId(
      store,
      store.dir('alt'),
      () => at,
      () => '0000',
    )
    await expect(
      reserveBackupId(
        store,
        store.dir('alt'),
        () => at,
        () => '0000',
      ),
    ).rejects.toThrow(/No free backup folder/)
    expect(store.entriesIn(posix.join(store.dir('alt'), 'backups'))).toEqual(['2026-11-22T23-15-00-123Z-0000'])
  })
})
