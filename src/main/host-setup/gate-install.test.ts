import { describe, expect, it } from 'vitest'
import { versionFromAnswer } from './gate-bundle'
import { gateWrapper, imageMajor } from './gate-install'
import { gateLayout } from './gate-layout'

describe('gate install', () => {
  it('reads the wanted Node major from the image tag', () => {
    expect(imageMajor('node:22-bookworm-slim')).toBe(22)
    expect(imageMajor('registry.example:5000/team/node:24.1-alpine')).toBe(24)
    expect(imageMajor('shopmgr/gate-node:24-testbed')).toBe(24)
    expect(imageMajor('node@sha256:abc')).toBeNull()
    expect(imageMajor('node:lts')).toBeNull()
    expect(imageMajor('node')).toBeNull()
  })

  it('writes a wrapper that runs the current version with the gate’s own Node, passing every argument on', () => {
    expect(gateWrapper(gateLayout('/home/shop'))).toBe(
      "#!/bin/sh\n# Installed by Shop-Manager host setup: the gate for sales keys.\nexec '/home/shop/.shopmanager/gate/node' '/home/shop/.shopmanager/gate/current/shopmgr-gate.mjs' \"$@\"\n",
    )
    expect(gateWrapper(gateLayout("/home/o'neil"))).toContain(`'/home/o'\\''neil/.shopmanager/gate/node'`)
  })

  it('takes the version from the gate’s result line, ignoring other output', () => {
    expect(versionFromAnswer('starting\n{"type":"result","value":{"version":"1.4.0"}}\n')).toBe('1.4.0')
    expect(versionFromAnswer('{"type":"error","value":{"version":"1"}}\n')).toBeNull()
    expect(versionFromAnswer('')).toBeNull()
  })
})
