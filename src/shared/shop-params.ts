// The values a template's parameters may take, as they cross the IPC bridge (create, edit, drafts).
import { z } from 'zod'

export const shopParamsSchema = z.record(z.string(), z.union([z.string().max(2000), z.array(z.string().max(200)).max(50), z.boolean()])).default({})
