/** The Workers version that answered (version metadata binding), as documented in /openapi.json. */
import { z } from '@hono/zod-openapi';

export const WorkerVersionSchema = z
  .object({
    id: z.string().openapi({ description: 'Workers version id.' }),
    tag: z.string().openapi({ description: 'Tag given at `wrangler versions upload --tag`, or empty.' }),
    timestamp: z.string().openapi({ description: 'Upload time, or empty.' }),
  })
  .openapi('WorkerVersion');
