// Host profiles for the test bed's sshd and dockerd, as the Hosts page would create them.
import { readFileSync } from 'node:fs'
import type { HostProfile } from '../../../src/shared/hosts'
import type { TestbedInfo } from '../../testbed/testbed'

export function testbedProfile(info: TestbedInfo, overrides: Partial<HostProfile> = {}): HostProfile {
  return {
    id: 'testbed',
    name: 'Test bed',
    kind: 'ssh',
    address: info.ssh.host,
    port: info.ssh.port,
    user: info.ssh.user,
    auth: { kind: 'key', hasPassphrase: false },
    dockerSocket: info.dockerSocket,
    baseDir: info.ssh.baseDir,
    role: 'admin',
    shopDomain: null,
    domainMode: 'external',
    hostKey: info.ssh.hostKeyFingerprint,
    ...overrides,
  }
}

export function key(path: string): string {
  return readFileSync(path, 'utf8')
}
