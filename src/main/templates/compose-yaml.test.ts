import { execFileSync } from 'node:child_process'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { composeYaml } from './compose-yaml'

// Values the plain YAML of the renderer used to turn into something else on a compose v1 host.
const tricky = {
  services: {
    web: {
      image: 'registry.example:5000/shop:1.0',
      user: '33:33',
      restart: 'no',
      ports: [],
      environment: { COUNTRY: 'NO', TITLE: 'Yes', ON: 'off', MODE: '0o17', ZIP: '01234', PRICE: '1e3', EMPTY: '', NIL: 'null', TEMPLATE: '$${HOME}' },
      healthcheck: { test: ['CMD', 'true'], retries: 3, disable: false },
    },
  },
}

describe('compose YAML', () => {
  it('reads back the same under YAML 1.1 and 1.2: strings stay strings, numbers and booleans stay typed', () => {
    const text = composeYaml(tricky)
    expect(parse(text, { version: '1.1' })).toEqual(tricky)
    expect(parse(text, { version: '1.2' })).toEqual(tricky)
    expect(text).toContain('"COUNTRY": "NO"')
    expect(text).toContain('"retries": 3')
  })

  it('is read the same by PyYAML, as compose v1 reads it', () => {
    // python3-yaml comes with Debian's docker-compose (v1), which the test machine has.
    const script = 'import yaml, json, sys; print(json.dumps(yaml.safe_load(sys.stdin)))'
    const python = execFileSync('python3', ['-c', script], { input: composeYaml(tricky), encoding: 'utf8' })
    expect(JSON.parse(python)).toEqual(tricky)
  })
})
