import { describe, expect, it } from 'vitest'
import { pullProgressCounter } from './image-pull'

describe('pullProgressCounter', () => {
  it('adds up the layers’ bytes as the Engine reports them, and counts the layers done', () => {
    const count = pullProgressCounter()
    const seen = [
      { status: 'Pulling from shopmgr/busybox', id: '1.0' },
      { status: 'Pulling fs layer', id: 'a' },
      { status: 'Already exists', id: 'b' },
      { status: 'Downloading', id: 'a', progressDetail: { current: 400, total: 1000 } },
      { status: 'Downloading', id: 'a', progressDetail: { current: 1000, total: 1000 } },
      { status: 'Download complete', id: 'a' },
      { status: 'Extracting', id: 'a', progressDetail: { current: 1000, total: 1000 } },
      { status: 'Pull complete', id: 'a' },
      { status: 'Digest: sha256:abc' },
    ].map(count)
    expect(seen[0]).toBeNull()
    expect(seen[3]).toEqual({ done: 400, total: 1000, layers: 2, layersDone: 1 })
    expect(seen[7]).toEqual({ done: 1000, total: 1000, layers: 2, layersDone: 2 })
    expect(seen[8]).toBeNull()
  })
})
