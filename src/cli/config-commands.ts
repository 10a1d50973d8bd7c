import { loadConfigFile } from '../config/load.ts';
import { formatProblem, ConfigError } from '../config/problems.ts';
import { configJsonSchema } from '../config/json-schema.ts';
import type { CliIo } from './io.ts';

/** `opsdeck config check [file]`: exit 0, or 2 with one line per problem. */
export async function configCheck(io: CliIo, file: string): Promise<number> {
  try {
    const config = await loadConfigFile(file);
    const counts = `${Object.keys(config.services).length} services, ${Object.keys(config.environments).length} environments, ${Object.keys(config.roles).length} roles`;
    io.out(`${file}: OK (${counts})`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.problems) io.err(formatProblem(problem));
    return 2;
  }
}

/** `opsdeck config schema`: the JSON Schema of opsdeck.yaml. */
export function configSchemaCommand(io: CliIo): number {
  io.out(JSON.stringify(configJsonSchema(), null, 2));
  return 0;
}
