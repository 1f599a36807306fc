// Where the gate lives on a host, as agreed with the gate itself: everything under the login's
// ~/.shopmanager/gate, always written as absolute paths (a forced command and the wrapper run from anywhere).
import { posix } from 'node:path'

export interface GateLayout {
  dir: string
  /** The POSIX sh wrapper sshd's forced command runs. */
  wrapper: string
  /** The Node binary the wrapper runs the gate with. */
  node: string
  versions: string
  /** A symlink to `versions/<version>`. */
  current: string
  config: string
  audit: string
  /** Where host setup and the Templates page install templates, one folder per template id. */
  templates: string
  /** The login's authorized_keys, where the gate checks its key is still enrolled. */
  authorizedKeys: string
}

export function gateLayout(home: string): GateLayout {
  const dir = posix.join(home, '.shopmanager', 'gate')
  return {
    dir,
    wrapper: posix.join(dir, 'shopmgr-gate'),
    node: posix.join(dir, 'node'),
    versions: posix.join(dir, 'versions'),
    current: posix.join(dir, 'current'),
    config: posix.join(dir, 'config.json'),
    audit: posix.join(dir, 'audit.log'),
    templates: posix.join(home, '.shopmanager', 'templates'),
    authorizedKeys: posix.join(home, '.ssh', 'authorized_keys'),
  }
}
