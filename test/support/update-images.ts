// The images the update tests switch a busybox test shop to, built locally from the test bed's image:
// a good next version, and a broken one that serves as before but fails the template's health check (it has no
// wget) and says why on its output, as a real app would, so the rollback can report the service's last lines.
import { execFileSync } from 'node:child_process'
import type { TestbedInfo } from '../testbed/testbed'
import { testbedDocker } from './testbed-dir'

/** What the broken image writes to its output when it starts. */
export const BROKEN_SAYS = 'app: migration 0042 failed, serving the maintenance page'

export function buildUpdateImages(info: TestbedInfo, tags: { good: string; broken: string }): void {
  const { env } = testbedDocker(info)
  const build = (tag: string, dockerfile: string): void =>
    void execFileSync('docker', ['build', '-q', '-t', tag, '-'], { env, input: dockerfile, stdio: ['pipe', 'ignore', 'inherit'] })
  build(tags.good, `FROM ${info.image}\nLABEL version=next\n`)
  // The template sets the command, not the entrypoint: the broken image's entrypoint says its line, then runs it.
  const start = `#!/bin/sh\\necho "${BROKEN_SAYS}" >&2\\nexec "$@"\\n`
  build(
    tags.broken,
    `FROM ${info.image}\nRUN rm /bin/wget && printf '${start}' > /bin/start && chmod 755 /bin/start\nENTRYPOINT ["/bin/start"]\nLABEL version=broken\n`,
  )
}
