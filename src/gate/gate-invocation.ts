// What the forced command of a key's authorized_keys line fixes: the role and the key's fingerprint. The client
// cannot change either (sshd runs the line's command whatever the client asked for).
import { AppError } from '@shared/errors'

export interface GateInvocation {
  role: 'sales'
  /** SHA256:<base64>, as `ssh-keygen -lf` prints it. */
  key: string
  /** The configuration file; by default config.json in the gate's folder. */
  config: string | null
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/

/** Only a sales key runs the gate (an admin key has no forced command): anything else is a broken line. */
export function parseInvocation(argv: readonly string[]): GateInvocation {
  let role: string | null = null
  let key: string | null = null
  let config: string | null = null
  for (const arg of argv) {
    if (arg.startsWith('--role=')) role = arg.slice('--role='.length)
    else if (arg.startsWith('--key=')) key = arg.slice('--key='.length)
    else if (arg.startsWith('--config=') && arg.length > '--config=/'.length && arg[9] === '/') config = arg.slice('--config='.length)
    else throw new AppError('forbidden', `The gate was started with an unknown argument "${arg.slice(0, 40)}".`, { say: { key: 'gateNotProtocol' } })
  }
  if (role !== 'sales')
    throw new AppError('forbidden', `The gate serves sales keys only, not "${(role ?? '').slice(0, 20)}".`, { say: { key: 'gateNotProtocol' } })
  if (!key || !FINGERPRINT.test(key)) throw new AppError('forbidden', 'The gate was started without the key it serves.', { say: { key: 'gateNotProtocol' } })
  return { role, key, config }
}
