// Quotes argv for a POSIX shell on the host: every argument single-quoted, so user input is never code.
const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/

export function quoteArg(arg: string): string {
  if (arg.length > 0 && SAFE.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * `exec env NAME=value ... argv`: env because sshd usually refuses environment requests (AcceptEnv); exec so
 * the login shell becomes the command, and a signal or hang-up from sshd reaches the command itself.
 */
export function commandLine(argv: readonly string[], env: Readonly<Record<string, string>> = {}): string {
  if (argv.length === 0) throw new Error('empty command')
  const assignments = Object.entries(env).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name: ${name}`)
    return quoteArg(`${name}=${value}`)
  })
  const parts = assignments.length > 0 ? ['env', ...assignments, ...argv.map(quoteArg)] : argv.map(quoteArg)
  return ['exec', ...parts].join(' ')
}
