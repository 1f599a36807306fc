// The wizard's answers checked against a template's parameters, and the shop's secrets generated.
import { AppError, type FieldIssue } from '@shared/errors'
import type { Manifest } from './manifest'
import type { ParamValue } from './render'

// Values end up in environment variables: no control characters (a newline would be a new variable).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

function check(parameter: Manifest['parameters'][number], value: unknown): string | null {
  switch (parameter.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be text'
      if (value.length > parameter.maxLength) return `at most ${parameter.maxLength} characters`
      if (CONTROL.test(value)) return 'no line breaks or control characters'
      if (parameter.pattern && !new RegExp(parameter.pattern).test(value)) return 'does not have the expected form'
      return null
    case 'enum':
      return typeof value === 'string' && parameter.options.includes(value) ? null : `one of ${parameter.options.join(', ')}`
    case 'list':
      return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && parameter.options.includes(v))
        ? null
        : `one or more of ${parameter.options.join(', ')}`
    case 'boolean':
      return typeof value === 'boolean' ? null : 'yes or no'
  }
}

/** Fills in defaults and rejects anything the template does not ask for or allow. */
export function resolveParams(manifest: Manifest, raw: Record<string, unknown>): Record<string, ParamValue> {
  const issues: FieldIssue[] = []
  const known = new Set(manifest.parameters.map((p) => p.id))
  for (const key of Object.keys(raw)) if (!known.has(key)) issues.push({ path: `params.${key}`, message: 'not a parameter of this template' })
  const values: Record<string, ParamValue> = {}
  for (const parameter of manifest.parameters) {
    const value = raw[parameter.id] ?? parameter.default
    const problem = check(parameter, value)
    if (problem) issues.push({ path: `params.${parameter.id}`, message: problem })
    else values[parameter.id] = value as ParamValue
  }
  if (issues.length > 0) throw new AppError('invalid_input', `Invalid template parameters: ${issues.map((i) => i.path).join(', ')}`, { fields: issues })
  return values
}

// Secrets have a module of their own (kinds, carry-over); named here too for the callers that always found them here.
export { generateSecret, generateSecrets } from './secret-kinds'
