import { z } from 'zod';
import { configSchema } from './schema.ts';

/** The JSON Schema editors use to validate and complete opsdeck.yaml (committed as opsdeck.schema.json). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, title: 'opsdeck.yaml' };
}
