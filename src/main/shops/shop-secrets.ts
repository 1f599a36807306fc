// Reads one generated secret of a shop from its 0600 env file on the host, only when the user asks to see it.
import { posix } from 'node:path'
import { AppError } from '@shared/errors'
import type { HostSession } from '../host/host-session'
import { secretVariable } from '../templates/placeholders'

export async function readShopSecret(session: HostSession, shop: string, secretId: string): Promise<string> {
  const file = posix.join(session.profile.baseDir, shop, '.env')
  const result = await session.exec(['cat', '--', file], { timeoutMs: 10_000 })
  if (result.code !== 0) throw new AppError('not_found', `The shop "${shop}" has no secrets file on this host.`)
  const prefix = `${secretVariable(secretId)}=`
  const line = result.stdout.split('\n').find((l) => l.startsWith(prefix))
  if (!line) throw new AppError('not_found', `The shop "${shop}" has no secret "${secretId}".`)
  return line.slice(prefix.length)
}
