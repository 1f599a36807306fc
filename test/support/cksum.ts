// The CRC of a file as the host's helper computes it for a backup: coreutils' cksum (POSIX CRC-32), its first field.
import { execFileSync } from 'node:child_process'

export function cksumOf(file: string): string {
  return execFileSync('cksum', [file], { encoding: 'utf8' }).split(' ')[0]!
}
