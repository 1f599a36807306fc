// A stand-in for Traefik's image (no public registry here): like Traefik it insists on its static configuration and the
// token file, answers its health check, serves on :80 inside and stops at once on SIGTERM. Shared by the host
// setup tests of the integration and end-to-end tiers, with free loopback ports to publish on.
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:net'
import type { TestbedInfo } from '../testbed/testbed'
import { testbedDocker } from './testbed-dir'

export const FAKE_TRAEFIK = 'shopmgr/fake-traefik:test'

export function buildFakeTraefik(info: TestbedInfo): string {
  const script = [
    '#!/bin/sh',
    'case "$1" in healthcheck) exit 0;; esac',
    'test -f /etc/traefik/traefik.yml && test -f /run/secrets/hetzner_token || { echo "config missing" >&2; exit 1; }',
    // httpd as PID 1 would ignore SIGTERM.
    'mkdir -p /www && echo fake-traefik > /www/index.html && httpd -f -p 80 -h /www & trap "kill $!; exit 0" TERM; wait',
  ].join('\\n')
  execFileSync('docker', ['build', '-q', '-t', FAKE_TRAEFIK, '-'], {
    env: testbedDocker(info).env,
    input: `FROM ${info.image}\nRUN printf '${script}\\n' > /bin/traefik && chmod 755 /bin/traefik\nENTRYPOINT ["/bin/traefik"]\n`,
    stdio: ['pipe', 'ignore', 'inherit'],
  })
  return FAKE_TRAEFIK
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}
