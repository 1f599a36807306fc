// What every shop operation is given: the host's engine, the templates, the operation runner and who acts.
import type { ShopEngine } from '../engine/shop-engine'
import type { OperationRunner } from '../operations/operation-runner'
import type { Template } from '../templates/template-loader'
import type { RegistryAuth } from './pull-step'

export interface LifecycleDeps {
  engine: (hostId: string) => Promise<ShopEngine>
  template: (id: string) => Promise<Template>
  runner: OperationRunner
  /** Who does it: recorded as "created by" / "edited by", and as the holder of a shop's lock. */
  user: string
  /** This laptop's credentials for an image's registry, sent with each pull; absent: pulls are anonymous. */
  registryAuth?: RegistryAuth
}
