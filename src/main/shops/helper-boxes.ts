// The helper containers of a copy around a pause, one per volume, kept up from the first pass to the final one: the
// final pass, under the pause, is a script run in a container that already runs, not a container made and started
// while the shop's writers wait.
import type { HelperBox, HelperMount, HelperScript, ShopRuntime } from '../engine/shop-runtime'

export class HelperBoxes {
  private readonly boxes = new Map<string, Promise<HelperBox>>()

  constructor(
    private readonly runtime: ShopRuntime,
    private readonly image: string,
  ) {}

  /** Runs `script` in the box of `key`, started with `mounts` on its first script. */
  async run(key: string, mounts: readonly HelperMount[], script: HelperScript): Promise<void> {
    let box = this.boxes.get(key)
    if (!box) {
      box = this.runtime.openHelper(this.image, mounts, script.what)
      this.boxes.set(key, box)
    }
    await (await box).run(script)
  }

  /** Removes every box; never fails (a box that did not start has nothing to remove). */
  async close(): Promise<void> {
    const boxes = [...this.boxes.values()]
    this.boxes.clear()
    await Promise.all(
      boxes.map((box) =>
        box.then(
          (b) => b.close(),
          () => undefined,
        ),
      ),
    )
  }

  /** Runs `work` with fresh boxes and removes them after it, whatever happened. */
  static async around<T>(runtime: ShopRuntime, image: string, work: (boxes: HelperBoxes) => Promise<T>): Promise<T> {
    const boxes = new HelperBoxes(runtime, image)
    try {
      return await work(boxes)
    } finally {
      await boxes.close()
    }
  }
}
