// Compose's variables in an imported compose file: a shop's `.env` holds only the app's secrets, so `${VAR:-default}`
// becomes its default (or the value the file's own .env gave) and a variable nothing sets is named.

/** The variables of an env file as compose reads them: KEY=value lines, `export`, comments, quoted values. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '')
    if (line === '' || line.startsWith('#')) continue
    const match = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line)
    if (!match) continue
    let value = match[2]!
    const quote = value[0]
    if ((quote === '"' || quote === "'") && value.length > 1 && value.endsWith(quote)) value = value.slice(1, -1)
    else value = value.replace(/\s+#.*$/, '')
    values[match[1]!] = value
  }
  return values
}

export interface Interpolated {
  /** Variables replaced by a value: their default or the file's .env. */
  resolved: Map<string, string>
  /** Variables nothing sets: compose would read them as empty in a shop. */
  unset: Set<string>
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g

/** One string with compose's references resolved as far as the file itself says; `$$` stays a literal `$`. */
function interpolate(text: string, known: Record<string, string>, seen: Interpolated): string {
  return text.replace(REFERENCE, (whole, braced: string | undefined, operator: string | undefined, word: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return whole
    const name = (braced ?? bare)!
    const given = known[name]
    const set = given !== undefined && (given !== '' || !operator?.startsWith(':'))
    let value: string | undefined
    if (operator?.endsWith('+')) value = set ? (word ?? '') : ''
    else if (set) value = given
    else if (operator?.endsWith('-')) value = word ?? ''
    if (value === undefined) {
      seen.unset.add(name)
      return whole
    }
    seen.resolved.set(name, value)
    // What replaced the reference is literal text: compose must not read a $ in it as the start of another.
    return value.replace(/\$/g, '$$$$')
  })
}

/** Every string value below a value with its references resolved; keys stay, as compose interpolates only values. */
export function interpolateAll<T>(value: T, known: Record<string, string>, seen: Interpolated): T {
  if (typeof value === 'string') return interpolate(value, known, seen) as T
  if (Array.isArray(value)) return value.map((v: unknown) => interpolateAll(v, known, seen)) as T
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, known, seen)])) as T
  return value
}
