import { checkConfigFile } from '../config/load.ts';
import { formatProblem } from '../config/problems.ts';
import { settingsFindings } from '../config/settings-findings.ts';
import { configJsonSchema } from '../config/json-schema.ts';
import type { CliIo } from './io.ts';

/**
 * `opsdeck config check [file]`: every error (schema and cross-reference) on stderr, then warnings and
 * notes on stdout. Exit 2 when there are errors, else 0: warnings never change the exit code.
 */
export async function configCheck(
  io: CliIo,
  file: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<number> {
  const checked = await checkConfigFile(file);
  const { config, errors } = checked;
  const findings = config ? [...checked.findings, ...settingsFindings(config, env)] : checked.findings;
  for (const problem of errors) io.err(formatProblem(problem));
  const warnings = findings.filter((f) => f.level === 'warning').length;
  if (config) {
    const n = (section: object) => Object.keys(section).length;
    const counts = `${n(config.services)} services, ${n(config.environments)} environments, ${n(config.roles)} roles`;
    io.out(`${file}: OK (${counts})${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`);
  }
  for (const finding of findings) io.out(`${finding.level}: ${formatProblem(finding)}`);
  if (warnings) {
    const here = errors.length ? ', as here' : '';
    io.out(`Warnings do not change the exit code: it is 2 only when there are errors${here}.`);
  }
  return errors.length ? 2 : 0;
}

/** `opsdeck config schema`: the JSON Schema of opsdeck.yaml. */
export function configSchemaCommand(io: CliIo): number {
  io.out(JSON.stringify(configJsonSchema(), null, 2));
  return 0;
}
