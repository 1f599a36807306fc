// The runtime port: everything the shop lifecycle asks of an engine. Compose over the host's SSH connection is the
// first implementation (engine/compose/); a gated sales session or Docker Swarm are further folders, not branches.
import type { AppError } from '@shared/errors'
import type { StepNote } from '@shared/operations'
import type { LogLine, ShopContainer } from '@shared/shops'

/** A shop as an engine sees it: its project name and the directory on the host that holds its files. */
export interface ShopProject {
  name: string
  dir: string
}

export interface ApplyOptions {
  /** Each line the engine prints while applying, secrets already masked with `mask`. */
  onOutput?: (line: string) => void
  mask?: (text: string) => string
  /** How often a dropped connection is waited for and the apply run again (it only does what is missing). */
  attempts?: number
  /** Recreate every container even where nothing changed (a proxy whose static configuration changed). */
  forceRecreate?: boolean
}

export interface HealthOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** How often to look without an event. */
  pollMs?: number
  onChange?: (containers: ShopContainer[]) => void
  /** Give up at once when a container is unhealthy (its retries used up) or has exited. */
  failOnUnhealthy?: boolean
  /** Masks the shop's secrets in what is quoted of its output (a failed job's last lines). */
  mask?: (text: string) => string
}

/** What a shop action asks of the engine; `delete` also takes the volumes. */
export type RuntimeAction = 'start' | 'restart' | 'stop' | 'remove' | 'delete'

export interface LogsQuery {
  service?: string | undefined
  tail: number
}

export interface LogSink {
  lines(lines: LogLine[]): void
  /** The follow ended: the containers stopped, or `error` says why. */
  end(error?: AppError): void
}

/** The services that write to some volumes, frozen for a consistent copy. */
export interface FrozenShop {
  /** How many running containers were frozen (0: none writes to the volumes, or the shop was not running). */
  paused: number
  /** Service → image, as the shop ran. */
  images: Record<string, string>
  /** Unfreezes and checks each service is back; `onUnpaused` marks the moment the freeze ended. */
  resume(onUnpaused?: () => void): Promise<StepNote>
}

/** A mount of a helper run: a volume by name or a directory on the host by absolute path. */
export interface HelperMount {
  source: string
  target: string
  readOnly?: boolean
}

/** A script for a helper container. */
export interface HelperScript {
  script: string
  env?: Record<string, string>
  signal?: AbortSignal
  /** `total <KiB>` / `copied <KiB>` lines the script prints, as bytes. */
  onProgress?: (progress: { done: number; total: number }) => void
  /** Every other line the script prints. */
  onLine?: (line: string) => void
  /** What the run does, for the error message ("Copying a to b"). */
  what: string
}

export interface HelperRun extends HelperScript {
  mounts: HelperMount[]
}

/** A helper container kept up for several scripts with the same mounts (the passes of a copy around a pause). */
export interface HelperBox {
  run(script: HelperScript): Promise<void>
  /** Removes the container; resolves also when it is gone already. */
  close(): Promise<void>
}

/** A registry's credentials for one pull: sent with the request (X-Registry-Auth), stored nowhere on the host. */
export interface PullAuth {
  username: string
  password: string
  serveraddress: string
}

/** Bytes downloaded of the layers' sizes known so far, and layers finished of all. */
export interface PullProgress {
  done: number
  total: number
  layers: number
  layersDone: number
}

/** Several pulls' (or layers') progress as one. */
export function addUpPulls(parts: Iterable<PullProgress>): PullProgress {
  const sum: PullProgress = { done: 0, total: 0, layers: 0, layersDone: 0 }
  for (const p of parts) {
    sum.done += p.done
    sum.total += p.total
    sum.layers += p.layers
    sum.layersDone += p.layersDone
  }
  return sum
}

export interface PullOptions {
  auth?: PullAuth | null
  onProgress?: (progress: PullProgress) => void
  signal?: AbortSignal
}

/** One shop's volume as the engine has it. */
export interface RuntimeVolume {
  name: string
  key: string | null
}

export interface ShopRuntime {
  /** Makes the engine run what the shop's files describe (compose `up -d`): only what changed is recreated. */
  apply(project: ShopProject, options?: ApplyOptions): Promise<void>
  /** Start, restart, stop, remove (containers go, data stays) or delete (volumes go too). */
  control(project: ShopProject, action: RuntimeAction): Promise<void>
  /** Containers of every shop (or one), grouped by shop name. */
  containers(shop?: string): Promise<Map<string, ShopContainer[]>>
  /** Calls `onChange` with the shops whose containers changed; `onEnd` when the watch ended by itself. Returns stop. */
  watch(onChange: (shops: string[]) => void, onEnd: () => void): Promise<() => void>
  /** Resolves once every container of the shop runs and is healthy. */
  waitHealthy(shop: string, options: HealthOptions): Promise<ShopContainer[]>
  /** The last lines of the shop's (or one service's) output, masked with `mask`. */
  logs(shop: string, query: LogsQuery, mask: (text: string) => string): Promise<LogLine[]>
  /** Follows the output; returns the function that stops following. */
  followLogs(shop: string, query: LogsQuery, mask: (text: string) => string, sink: LogSink): Promise<() => void>
  /** Makes sure the image is on the host; `invalid_input` on the image field, with the registry's reason, when it cannot be had. */
  pullImage(image: string, options?: PullOptions): Promise<void>
  /** Freezes the shop's services that write to `volumes` (all, without a list). If one fails, none stays frozen. */
  freeze(shop: string, volumes?: readonly string[]): Promise<FrozenShop>
  volumeExists(name: string): Promise<boolean>
  /** A volume of `shop` under the key its compose file names it by. */
  createVolume(name: string, shop: string, key: string): Promise<void>
  removeVolume(name: string): Promise<void>
  /** Volumes the engine has for `shop` (its labels say so), made by compose or by the app. */
  shopVolumes(shop: string): Promise<RuntimeVolume[]>
  /** Runs a script in a throw-away helper container of `image` (pulled if missing) with the mounts given. */
  runHelper(image: string, run: HelperRun): Promise<void>
  /** Starts a helper container of `image` with the mounts given, for scripts run one after another in it. */
  openHelper(image: string, mounts: readonly HelperMount[], what: string): Promise<HelperBox>
  /** Makes sure a network exists (the proxy's); true when it had to be made. */
  hasNetwork(name: string): Promise<boolean>
  createNetwork(name: string): Promise<void>
  /** The command that starts the project at boot (for a systemd unit), run in its directory. */
  bootCommand(project: ShopProject): Promise<string[]>
}
