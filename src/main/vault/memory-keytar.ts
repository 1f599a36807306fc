// The keychain binding in memory, for unit tests: what a test stored can be read back, nothing leaves the process.
import type { KeytarApi } from './keychain'

export function memoryKeytar(): KeytarApi & { entries: Map<string, string> } {
  const entries = new Map<string, string>()
  return {
    entries,
    getPassword: async (_s, a) => entries.get(a) ?? null,
    setPassword: async (_s, a, p) => void entries.set(a, p),
    deletePassword: async (_s, a) => entries.delete(a),
    findCredentials: async () => [...entries].map(([account, password]) => ({ account, password })),
  }
}
