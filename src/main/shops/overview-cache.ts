// The last-known shop list per host on disk, shown at once on start and while a host is unreachable.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ShopOverview } from '@shared/shops'

export class OverviewCache {
  constructor(private readonly dir: string) {}

  private file(hostId: string): string {
    return join(this.dir, `overview-${hostId.replace(/[^a-z0-9-]/gi, '_')}.json`)
  }

  async load(hostId: string): Promise<ShopOverview | null> {
    try {
      const overview = JSON.parse(await readFile(this.file(hostId), 'utf8')) as ShopOverview
      return overview.hostId === hostId && Array.isArray(overview.shops) ? { ...overview, cached: true } : null
    } catch {
      return null
    }
  }

  /** Written to a temporary name and renamed, so a crash never leaves half a file. */
  async save(overview: ShopOverview): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const target = this.file(overview.hostId)
    const temporary = `${target}.${process.pid}.tmp`
    await writeFile(temporary, JSON.stringify({ ...overview, cached: false }))
    await rename(temporary, target)
  }
}
