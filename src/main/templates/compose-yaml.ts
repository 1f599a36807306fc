// The YAML the app writes for compose: read the same by compose v1 (PyYAML, YAML 1.1) and v2 (YAML 1.2). Plain
// scalars are where the two differ — `NO` (Norway) and `Yes` are booleans to 1.1, `33:33` is the sexagesimal number
// 2013, `0o17` is 15 to 1.2 only — so every string, key or value, is written double-quoted, which both read as the
// string it is; numbers and booleans stay what the compose file said. Compose interpolates `$` inside quotes alike.
import { isDeepStrictEqual } from 'node:util'
import { parse, stringify } from 'yaml'

export function composeYaml(value: unknown): string {
  const text = stringify(value, { lineWidth: 0, version: '1.1', defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'QUOTE_DOUBLE' })
  // A guard, not a hope: what is written must read back as the same value under either version.
  const expected = JSON.parse(JSON.stringify(value)) as unknown
  for (const version of ['1.1', '1.2'] as const) {
    if (!isDeepStrictEqual(parse(text, { version }), expected)) throw new Error(`compose YAML would not read back the same under YAML ${version}`)
  }
  return text
}
