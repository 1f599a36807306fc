import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { commandLine, quoteArg } from './shell-quote'

/** Runs the quoted line through a real POSIX shell and returns the argv it saw. */
function argvSeenByShell(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `${line.replace(/^printf/, "printf '%s\\0'")}`], { encoding: 'utf8' })
  return out.split('\0').slice(0, -1)
}

describe('shell quoting', () => {
  it.each(['plain', 'with space', "it's", '$(rm -rf /)', '`id`', 'a;b && c | d > e', '', 'ümlaut', '\'"\\', '-n', '\n'])(
    'passes %j through a real shell unchanged',
    (arg) => {
      expect(argvSeenByShell(`printf ${quoteArg(arg)}`)).toEqual([arg])
    },
  )

  it('prefixes environment variables with env and rejects bad names', () => {
    expect(commandLine(['docker', 'ps'], { DOCKER_HOST: 'unix:///run/docker.sock' })).toBe('exec env DOCKER_HOST=unix:///run/docker.sock docker ps')
    expect(commandLine(['id', '-un'])).toBe('exec id -un')
    expect(() => commandLine(['x'], { 'A;B': '1' })).toThrow(/invalid environment variable/)
    expect(() => commandLine([])).toThrow()
  })
})
