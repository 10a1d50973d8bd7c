import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.ts';

describe('opsdeck.schema.json', () => {
  it('matches the zod schema (regenerate: npm run -s opsdeck -- config schema > opsdeck.schema.json)', async () => {
    const committed = JSON.parse(
      await readFile(new URL('../../opsdeck.schema.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(configJsonSchema());
  });

  it('describes the top-level sections and forbids unknown keys', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['environments', 'services', 'roles']));
    expect(schema.required).toEqual(expect.arrayContaining(['environments', 'services', 'roles']));
    expect(schema.additionalProperties).toBe(false);
  });
});
