// The login user's home directory on the host, as its shell says: where authorized_keys and ~/.shopmanager live.
import { AppError } from '@shared/errors'
import type { HostSession } from './host-session'

export async function loginHome(session: HostSession): Promise<string> {
  const home = await session.exec(['sh', '-c', 'printf %s "$HOME"'], { timeoutMs: 10_000 })
  if (home.code !== 0 || !home.stdout.startsWith('/')) throw new AppError('internal', "Could not find the login user's home directory on the host.")
  return home.stdout
}
