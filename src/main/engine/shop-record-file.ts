// How a shop's files read as its record, the same for every store: shop.json as an object that names the template and
// the domain, the generated secrets from .env, the compose file as it is.
import { AppError } from '@shared/errors'
import { METADATA_FILE, parseEnvFile } from './host-layout'
import type { ShopMetadata, ShopRecord } from './shop-store'

/** A JSON object, or null for anything else (empty, broken, an array, a number). */
export function parseJsonObject(json: string | undefined): Record<string, unknown> | null {
  if (!json?.trim()) return null
  try {
    const value: unknown = JSON.parse(json)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** The record of the shop in `dir` from the contents of its three files. */
export function shopRecordFrom(dir: string, files: { metadata: string; env: string; compose: string }): ShopRecord {
  const metadata = parseJsonObject(files.metadata) as ShopMetadata | null
  if (!metadata) throw new AppError('internal', `${dir}/${METADATA_FILE} is not valid JSON.`)
  if (typeof metadata.template !== 'string' || typeof metadata.domain !== 'string') {
    throw new AppError('internal', `${dir}/${METADATA_FILE} does not name the shop's template and domain.`)
  }
  return {
    dir,
    metadata: { ...metadata, params: metadata.params ?? {}, description: metadata.description ?? '' },
    secrets: parseEnvFile(files.env).secrets,
    compose: files.compose,
  }
}
