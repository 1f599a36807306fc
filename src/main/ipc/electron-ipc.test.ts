import { beforeEach, describe, expect, it, vi } from 'vitest'
import { invokeChannelNames } from '@shared/channels'
import type { Envelope } from '@shared/errors'
import { sameOrigin } from '../navigation-policy'
import type { Dispatch } from './dispatch'
import type { SenderFrame } from './sender-check'

type Handler = (event: { senderFrame: SenderFrame | null }, input: unknown) => Promise<Envelope<unknown>> | Envelope<unknown>
const handlers = new Map<string, Handler>()

// Only ipcMain is stood in: registerIpc's handlers are the real ones, called as Electron would call them.
vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, handler: Handler) => void handlers.set(channel, handler) },
}))

const { registerIpc } = await import('./electron-ipc')

const isAppUrl = sameOrigin('app://shop-manager')
const ownPage = 'app://shop-manager/index.html'

describe('registerIpc', () => {
  const calls: Array<[string, unknown]> = []
  const dispatch: Dispatch = async (channel, input) => {
    calls.push([channel, input])
    return { ok: true, value: 'done' }
  }

  beforeEach(() => {
    handlers.clear()
    calls.length = 0
    registerIpc(dispatch, isAppUrl)
  })

  it('handles every channel of the contract', () => {
    expect([...handlers.keys()].sort()).toEqual([...invokeChannelNames].sort())
  })

  it.each([
    ['no frame', null],
    ['a subframe of our page', { url: ownPage, parent: { url: ownPage, parent: null } }],
    ['a foreign page', { url: 'https://evil.example/', parent: null }],
    ['a local file', { url: 'file:///etc/passwd', parent: null }],
    ['our scheme with another host', { url: 'app://evil.example/index.html', parent: null }],
  ])('refuses %s without reaching the services', async (_label, senderFrame) => {
    const answer = await handlers.get('settings:update')!({ senderFrame }, { locale: 'de' })
    expect(answer).toEqual({ ok: false, error: { code: 'forbidden_sender', message: expect.any(String) } })
    expect(calls).toEqual([])
  })

  it('passes our own page’s call on to the dispatcher', async () => {
    const answer = await handlers.get('settings:update')!({ senderFrame: { url: ownPage, parent: null } }, { locale: 'de' })
    expect(answer).toEqual({ ok: true, value: 'done' })
    expect(calls).toEqual([['settings:update', { locale: 'de' }]])
  })
})
