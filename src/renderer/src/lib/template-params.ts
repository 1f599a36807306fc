// A template's parameters as forms edit them: defaults, the values a shop already has, and what is wrong
// with a value (the same rules the main process applies when it renders the shop).
import type { ShopParamValue } from '@shared/shops'
import type { TemplateParameter } from '@shared/templates'

export type ParamValues = Record<string, ShopParamValue>
export type ParamProblem = 'text' | 'too_long' | 'control' | 'pattern' | 'option' | 'required' | 'flag'

export function paramDefaults(parameters: readonly TemplateParameter[]): ParamValues {
  return Object.fromEntries(parameters.map((p) => [p.id, Array.isArray(p.default) ? [...p.default] : p.default]))
}

/** The shop's current values for the template's parameters; a parameter it does not have yet gets its default. */
export function paramsOf(parameters: readonly TemplateParameter[], current: ParamValues): ParamValues {
  const values = paramDefaults(parameters)
  for (const p of parameters) {
    const value = current[p.id]
    if (value !== undefined) values[p.id] = Array.isArray(value) ? [...value] : value
  }
  return values
}

// Values end up in environment variables: no control characters.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

export function paramProblem(parameter: TemplateParameter, value: ShopParamValue | undefined): ParamProblem | null {
  switch (parameter.type) {
    case 'string':
      if (typeof value !== 'string') return 'text'
      if (value.length > parameter.maxLength) return 'too_long'
      if (CONTROL.test(value)) return 'control'
      if (parameter.pattern && !new RegExp(parameter.pattern).test(value)) return 'pattern'
      return null
    case 'enum':
      return typeof value === 'string' && parameter.options.includes(value) ? null : 'option'
    case 'list':
      if (!Array.isArray(value) || value.length === 0) return 'required'
      return value.every((v) => parameter.options.includes(v)) ? null : 'option'
    case 'boolean':
      return typeof value === 'boolean' ? null : 'flag'
  }
}

/** Parameter id → problem, for the parameters that have one. */
export function paramProblems(parameters: readonly TemplateParameter[], values: ParamValues): Record<string, ParamProblem> {
  const problems: Record<string, ParamProblem> = {}
  for (const p of parameters) {
    const problem = paramProblem(p, values[p.id])
    if (problem) problems[p.id] = problem
  }
  return problems
}
