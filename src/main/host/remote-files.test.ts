import { describe, expect, it } from 'vitest'
import type { HostSession } from './host-session'
import { writeShopFiles } from './remote-files'

/** A session whose SFTP refuses writes the way OpenSSH's sftp-server does on a full disk: a bare "Failure". */
function fullDisk(freeKiB: number) {
  const unlinked: string[] = []
  const sftp = {
    mkdir: (_p: string, done: (e?: Error) => void) => done(),
    writeFile: (_p: string, _c: string, _o: unknown, done: (e?: Error) => void) => done(new Error('Failure')),
    ext_openssh_rename: (_a: string, _b: string, done: (e?: Error) => void) => done(),
    unlink: (path: string, done: (e?: Error) => void) => (unlinked.push(path), done()),
  }
  const session = {
    ssh: { sftp: async () => sftp },
    exec: async (argv: readonly string[]) =>
      argv[0] === 'df'
        ? { code: 0, stdout: `Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vdb 1000 1000 ${freeKiB} 100% /opt/docker\n`, stderr: '' }
        : { code: 1, stdout: '', stderr: '' },
  }
  return { session: session as unknown as HostSession, unlinked }
}

describe('writing a shop’s files', () => {
  it('a full disk is said as such, in words, and leaves no temporary file behind', async () => {
    const { session, unlinked } = fullDisk(0)
    await expect(writeShopFiles(session, '/opt/docker/laden', [{ path: 'shop.json', content: '{}', mode: 0o644 }])).rejects.toMatchObject({
      code: 'disk_full',
      say: { key: 'diskFull', values: { dir: '/opt/docker/laden' } },
    })
    expect(unlinked).toHaveLength(1)
    expect(unlinked[0]).toMatch(/^\/opt\/docker\/laden\/shop\.json\.[0-9a-f]{8}\.tmp$/)
  })

  it('another write failure with room on the disk keeps the host’s reason', async () => {
    const { session } = fullDisk(500_000)
    await expect(writeShopFiles(session, '/opt/docker/laden', [{ path: 'shop.json', content: '{}', mode: 0o644 }])).rejects.toMatchObject({
      code: 'internal',
      say: { key: 'writeFailed' },
    })
  })
})
