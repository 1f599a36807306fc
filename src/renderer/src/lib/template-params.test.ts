import { describe, expect, it } from 'vitest'
import type { TemplateParameter } from '@shared/templates'
import { paramDefaults, paramProblem, paramProblems, paramsOf } from './template-params'

const label = { de: 'x', en: 'x' }
const parameters: TemplateParameter[] = [
  { id: 'languages', type: 'list', label, default: ['de', 'en'], options: ['de', 'en', 'fr'] },
  { id: 'greeting', type: 'string', label, default: 'Willkommen', maxLength: 10 },
  { id: 'code', type: 'string', label, default: 'ab', maxLength: 10, pattern: '^[a-z]+$' },
  { id: 'theme', type: 'enum', label, default: 'light', options: ['light', 'dark'] },
  { id: 'demo', type: 'boolean', label, default: false },
]

describe('template parameters in forms', () => {
  it('starts from the defaults, lists copied', () => {
    const values = paramDefaults(parameters)
    expect(values).toEqual({ languages: ['de', 'en'], greeting: 'Willkommen', code: 'ab', theme: 'light', demo: false })
    ;(values['languages'] as string[]).push('fr')
    expect(parameters[0]!.default).toEqual(['de', 'en'])
  })

  it("takes the shop's values and fills in parameters it does not have", () => {
    expect(paramsOf(parameters, { greeting: 'Hallo', languages: ['fr'], stale: 'x' })).toEqual({
      languages: ['fr'],
      greeting: 'Hallo',
      code: 'ab',
      theme: 'light',
      demo: false,
    })
  })

  it('finds what the main process would reject', () => {
    expect(paramProblems(parameters, paramDefaults(parameters))).toEqual({})
    expect(paramProblem(parameters[0]!, [])).toBe('required')
    expect(paramProblem(parameters[0]!, ['xx'])).toBe('option')
    expect(paramProblem(parameters[1]!, 'a'.repeat(11))).toBe('too_long')
    expect(paramProblem(parameters[1]!, 'a\nb')).toBe('control')
    expect(paramProblem(parameters[2]!, 'AB')).toBe('pattern')
    expect(paramProblem(parameters[3]!, 'blue')).toBe('option')
    expect(paramProblem(parameters[4]!, 'yes')).toBe('flag')
  })
})
