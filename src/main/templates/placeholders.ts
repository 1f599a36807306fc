// ${shop.name}, ${shop.domain}, ${param.<id>} and ${secret.<id>} in a template's environment values.
import { secretVariable } from '../engine/host-layout'

export { secretVariable }
export interface Placeholder {
  kind: 'shop' | 'param' | 'secret'
  id: string
}

const PATTERN = /\$\{(shop|param|secret)\.([a-z][a-z0-9_]*)\}/g

export function placeholdersIn(value: string): Placeholder[] {
  return [...value.matchAll(PATTERN)].map((m) => ({ kind: m[1] as Placeholder['kind'], id: m[2]! }))
}

/** A parameter's value as text: a list joined with commas. */
export function paramText(value: string | readonly string[] | boolean): string {
  return Array.isArray(value) ? value.join(',') : String(value)
}

/** The text with each ${param.<id>} replaced by that parameter's value (for what the user reads, not for compose). */
export function withParams(text: string, params: Record<string, string | readonly string[] | boolean>): string {
  return text.replace(PATTERN, (whole, kind: string, id: string) => (kind === 'param' ? paramText(params[id] ?? '') : whole))
}

/**
 * Resolves a value for a compose file. Literal text and parameter values are escaped for compose's own
 * interpolation ($ → $$); secrets become ${SHOP_SECRET_<ID>} references to the shop's 0600 env file, so the
 * compose file never holds a secret.
 */
export function resolveValue(value: string, lookup: { shop: Record<string, string>; param: Record<string, string> }): string {
  let out = ''
  let last = 0
  for (const match of value.matchAll(PATTERN)) {
    out += escapeDollars(value.slice(last, match.index))
    const [, kind, id] = match as unknown as [string, Placeholder['kind'], string]
    out += kind === 'secret' ? `\${${secretVariable(id)}}` : escapeDollars(lookup[kind][id] ?? '')
    last = match.index + match[0].length
  }
  return out + escapeDollars(value.slice(last))
}

function escapeDollars(text: string): string {
  return text.replace(/\$/g, '$$$$')
}
