import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { freezeShop } from './freeze'

/** The host's guard is tested on the test bed (test/integration/pause-shop.test.ts); here it does nothing. */
const noGuard = async () => ({ release: async () => undefined, handOver: async () => undefined })

/** Docker as freeze sees it: a project's containers, each pausable unless told otherwise. */
function fakeDocker(refuse: string) {
  const paused = new Set<string>()
  const containers = ['db', 'web', 'worker'].map((service) => ({
    Id: service,
    Names: [`/shop-${service}-1`],
    Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': service },
    State: 'running',
    Status: 'Up 5 minutes',
    Created: 1_700_000_000,
  }))
  const docker = {
    listContainers: async () => containers,
    getContainer: (id: string) => ({
      inspect: async () => ({ Config: { Image: `${id}:1` }, Mounts: [{ Type: 'volume', Name: 'shop_data', RW: true }], State: {} }),
      pause: async () => {
        // The refused one answers after the others have been paused, as a slow daemon would.
        if (id === refuse) {
          await new Promise((r) => setTimeout(r, 20))
          throw new Error('cannot pause container: OCI runtime error')
        }
        paused.add(id)
      },
      unpause: async () => void paused.delete(id),
    }),
  }
  return { docker: docker as unknown as Docker, paused }
}

describe('freezing a shop', () => {
  it('if one container cannot be paused, none stays paused, and the error names the service', async () => {
    const { docker, paused } = fakeDocker('worker')
    await expect(freezeShop(docker, 'shop', ['shop_data'], noGuard)).rejects.toMatchObject({ say: { key: 'pauseFailed', values: { service: 'worker' } } })
    expect([...paused]).toEqual([])
  })

  it('pauses every writer and brings them back', async () => {
    const { docker, paused } = fakeDocker('none')
    const frozen = await freezeShop(docker, 'shop', ['shop_data'], noGuard)
    expect(frozen.paused).toBe(3)
    expect([...paused].sort()).toEqual(['db', 'web', 'worker'])
    await frozen.resume()
    expect([...paused]).toEqual([])
  })
})
