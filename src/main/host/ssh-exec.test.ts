import { EventEmitter } from 'node:events'
import type { SFTPWrapper } from 'ssh2'
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { commandLost, guardSftp, SessionLoss } from './ssh-exec'

const dropped = (): AppError => new AppError('connection_lost', 'dropped')

describe('SessionLoss', () => {
  it('rejects what waits on the session the moment it dies, with its own error if given', async () => {
    const loss = new SessionLoss()
    const never = new Promise<string>(() => undefined)
    const plain = loss.race(never)
    const command = loss.race(never, () => commandLost('4711'))
    loss.declare(dropped())
    await expect(plain).rejects.toMatchObject({ code: 'connection_lost', message: 'dropped' })
    await expect(command).rejects.toMatchObject({ code: 'connection_lost', details: { pid: '4711' } })
  })

  it('rejects at once on a session that died already, and hands a late value to discard', async () => {
    const loss = new SessionLoss()
    loss.declare(dropped())
    let arrive!: (value: string) => void
    const late = new Promise<string>((resolve) => (arrive = resolve))
    const discarded: string[] = []
    await expect(loss.race(late, undefined, (value) => discarded.push(value))).rejects.toMatchObject({ code: 'connection_lost' })
    arrive('channel')
    await late
    expect(discarded).toEqual(['channel'])
  })

  it('settles like the promise while the session lives, and only the first death counts', async () => {
    const loss = new SessionLoss()
    await expect(loss.race(Promise.resolve(1))).resolves.toBe(1)
    await expect(loss.race(Promise.reject(new Error('refused')))).rejects.toThrow('refused')
    expect(loss.declare(dropped())).toBe(true)
    expect(loss.declare(new AppError('timeout', 'later'))).toBe(false)
    expect(loss.error?.code).toBe('connection_lost')
  })
})

/** Stands in for ssh2's SFTP: requests wait until answered, like requests to a frozen host. */
class FakeSftp extends EventEmitter {
  readonly pending: Array<(error?: Error) => void> = []
  writeFile(_path: string, _data: string, callback: (error?: Error) => void): void {
    this.pending.push(callback)
  }
  end(): void {}
}

describe('guardSftp', () => {
  it('fails a pending call with connection_lost when the session dies, and ignores ssh2 answering it later', async () => {
    const loss = new SessionLoss()
    const fake = new FakeSftp()
    const sftp = guardSftp(fake as unknown as SFTPWrapper, loss)
    const outcomes: unknown[] = []
    sftp.writeFile('/tmp/a', 'x', (error) => outcomes.push(error))
    loss.declare(dropped())
    await Promise.resolve()
    fake.pending[0]!(new Error('No response from server'))
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]).toMatchObject({ code: 'connection_lost' })
  })

  it('answers a call on a dead session at once without sending it, and passes answers through while alive', async () => {
    const loss = new SessionLoss()
    const fake = new FakeSftp()
    const sftp = guardSftp(fake as unknown as SFTPWrapper, loss)
    const alive = new Promise<unknown>((resolve) => sftp.writeFile('/tmp/a', 'x', (error) => resolve(error)))
    fake.pending[0]!()
    expect(await alive).toBeUndefined()
    loss.declare(dropped())
    const dead = await new Promise<unknown>((resolve) => sftp.writeFile('/tmp/b', 'x', (error) => resolve(error)))
    expect(dead).toMatchObject({ code: 'connection_lost' })
    expect(fake.pending).toHaveLength(1)
  })

  it('leaves event listeners alone, so they can be removed again', () => {
    const fake = new FakeSftp()
    const sftp = guardSftp(fake as unknown as SFTPWrapper, new SessionLoss())
    const onClose = (): void => undefined
    sftp.on('close', onClose)
    expect(fake.listenerCount('close')).toBe(1)
    sftp.removeListener('close', onClose)
    expect(fake.listenerCount('close')).toBe(0)
  })
})
