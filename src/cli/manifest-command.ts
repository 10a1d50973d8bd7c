import { parseArgs } from 'node:util';
import { commands } from '../../commands/index.ts';
import { loadConfigFile } from '../config/load.ts';
import { Registry } from '../core/registry.ts';
import { appManifest, DEFAULT_APP_URL } from '../slack/manifest.ts';
import type { CliIo } from './io.ts';

/**
 * `opsdeck manifest [--config file] [--url https://host]`: the Slack app manifest for the command names
 * the config gives (`slack.commands`), to paste into api.slack.com/apps. Exit 2 on a config problem.
 */
export async function manifestCommand(io: CliIo, args: string[], defaultConfig: string): Promise<number> {
  let values: { config?: string | undefined; url?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { config: { type: 'string' }, url: { type: 'string' } } }));
  } catch (err) {
    io.err(`manifest: ${(err as Error).message}. Usage: opsdeck manifest [--config opsdeck.yaml] [--url https://host]`);
    return 2;
  }
  const url = values.url ?? DEFAULT_APP_URL;
  if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(url)) {
    io.err(`manifest: --url must be the https:// address Slack reaches opsdeck at (got ${url})`);
    return 2;
  }
  const config = await loadConfigFile(values.config ?? defaultConfig);
  const families = new Registry(commands).families();
  try {
    io.out(appManifest(families, config.slack?.commands, url).trimEnd());
  } catch (err) {
    io.err(`manifest: ${(err as Error).message}`);
    return 2;
  }
  return 0;
}
