/** One thing wrong with the configuration, located by its dotted path (and line, when known). */
export interface Problem {
  path: string;
  message: string;
  line?: number | undefined;
}

/** Something in the configuration that works but is probably not what was meant, or was not checked. */
export interface Finding extends Problem {
  level: 'warning' | 'note';
}

export function formatProblem(p: Problem): string {
  const where = p.path || '(top level)';
  return `${where}: ${p.message}${p.line ? ` (line ${p.line})` : ''}`;
}

export class ConfigError extends Error {
  readonly problems: Problem[];
  readonly file: string | undefined;

  constructor(problems: Problem[], file?: string) {
    const lines = problems.map(formatProblem).join('\n');
    super(`${file ?? 'configuration'} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.file = file;
  }
}

export function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`))
    .join('');
}
