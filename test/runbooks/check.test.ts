import { describe, expect, it } from 'vitest';
import { checkRunbooks, stepProblem } from '../../src/core/runbooks/check.ts';
import { formatRunbookProblem } from '../../src/core/runbooks/problem.ts';
import type { RunbookFile } from '../../src/ports/runbooks.ts';
import { catalog, registry, runbookText } from './fixtures.ts';

const check = (files: RunbookFile[]) => checkRunbooks(files, { catalog, registry }).map((p) => formatRunbookProblem(p));

const file = (path: string, frontMatter: string, body?: string): RunbookFile => ({
  path,
  text: runbookText(frontMatter, body),
});

describe('checkRunbooks', () => {
  it('accepts good runbooks', () => {
    const body = '# T\n\n1. `/ops status api prod`\n2. `/rollback api prod --dry-run`\n3. `/scale web staging 3`\n';
    expect(check([file('a.md', 'title: A\nservices: [api, web]', body)])).toEqual([]);
  });

  it.each([
    { services: '[apu]', want: 'unknown service "apu" (did you mean "api"?)', line: 3 },
    { services: '[API]', want: 'unknown service "API" (did you mean "api"?)', line: 3 },
    { services: '[billing]', want: 'unknown service "billing" (known: api, web, worker)', line: 3 },
  ])('reports unknown service $services on its line', ({ services, want, line }) => {
    expect(check([file('high-5xx.md', `title: A\nservices: ${services}`)])).toEqual([`high-5xx.md:${line}: ${want}`]);
  });

  it('locates each unknown service in a block list', () => {
    expect(check([file('a.md', 'title: A\nservices:\n  - api\n  - wrker\n  - web')])).toEqual([
      'a.md:5: unknown service "wrker" (did you mean "worker"?)',
    ]);
  });

  it.each([
    {
      step: '/deploy apu prod',
      want: '`/deploy apu prod`: Unknown service `apu`. Did you mean `api`? Known services: api, web, worker.',
    },
    {
      step: '/rollback api prdo',
      want: '`/rollback api prdo`: Unknown environment `prdo`. Did you mean `prod`? Known environments: staging, prod.',
    },
    { step: '/scale api prod', want: '`/scale api prod`: Missing <replicas>: the number of replicas wanted.' },
    {
      step: '/scale api prod many',
      want: '`/scale api prod many`: Invalid <replicas>: expected a whole number of replicas',
    },
    {
      step: '/rollback api prod --too 3',
      want: '`/rollback api prod --too 3`: Unknown option `--too`. Did you mean `--to`?',
    },
    {
      step: '/ops lock api prod',
      want: '`/ops lock api prod`: Missing <reason>: why it is locked, shown to anyone it blocks.',
    },
    { step: '/deploy api prod main extra', want: '`/deploy api prod main extra`: Unexpected argument `extra`.' },
    {
      step: '/lgos api prod --since 15m',
      want: '`/lgos api prod --since 15m`: Unknown command `/lgos`. Did you mean `/logs`?',
    },
  ])('reports a step that would be refused: $step', ({ step, want }) => {
    const body = `# T\n\nIntro.\n\n- \`${step}\`\n`;
    expect(check([file('steps.md', 'title: T', body)])).toEqual([`steps.md:8: ${want}`]);
  });

  it('reports an unknown subcommand with a guess', () => {
    // The list of subcommands that follows grows with /ops, so only its start is pinned.
    expect(check([file('s.md', 'title: T', '`/ops stauts api`')])).toEqual([
      expect.stringMatching(
        /^s\.md:4: `\/ops stauts api`: Unknown subcommand `stauts` for `\/ops`\. Did you mean `\/ops status`\? Try: /,
      ),
    ]);
  });

  it('reports fenced steps on their own line', () => {
    const body = '# T\n\n```\n/ops status api prod\n/scale worker prod lots\n```\n';
    expect(check([file('f.md', 'title: T', body)])).toEqual([
      'f.md:8: `/scale worker prod lots`: Invalid <replicas>: expected a whole number of replicas',
    ]);
  });

  it('passes over prose that is not a command: bare paths, unknown families far from any command', () => {
    const body = '`/opt` `/run` `/etc/hosts` `/usr/bin/env node` `/healthz check` `/ops status api prod`';
    expect(check([file('a.md', 'title: A', body)])).toEqual([]);
  });

  it('reports duplicate ids and titles, ignoring case', () => {
    const files = [
      file('disk.md', 'title: Disk full'),
      file('Disk.md', 'title: Disk filling'),
      file('other.md', 'title: DISK FULL'),
    ];
    expect(check(files)).toEqual([
      'Disk.md:1: duplicate id "Disk" (also disk.md)',
      'other.md:2: duplicate title "DISK FULL" (also disk.md)',
    ]);
  });

  it('reports front matter problems and goes on with the other files', () => {
    const files = [
      file('a.md', 'title: A\nseverity: sev1'),
      { path: 'b.md', text: '# no front matter' },
      file('c.md', 'title: C\nservices: [web]'),
    ];
    expect(check(files)).toEqual([
      'a.md:3: front matter "severity": expected one of critical, high, medium, low, got "sev1"',
      'b.md:1: missing front matter: start the file with a `---` line, `title: …`, and another `---` line',
    ]);
  });

  it('formats problems with a root in front', () => {
    expect(formatRunbookProblem({ file: 'a.md', line: 3, message: 'm' }, 'runbooks')).toBe('runbooks/a.md:3: m');
    expect(formatRunbookProblem({ file: 'a.md', line: 3, message: 'm' }, 'runbooks/')).toBe('runbooks/a.md:3: m');
  });
});

describe('stepProblem', () => {
  it('parses with the real command pipeline and says nothing when it is fine', () => {
    expect(
      stepProblem({ family: 'deploy', text: 'api prod v1.4.2 --reason "fix checkout"' }, registry, catalog),
    ).toBeUndefined();
    expect(stepProblem({ family: 'deploy', text: 'api prod "unclosed' }, registry, catalog)).toBe(
      'Unclosed quote " in `api prod "unclosed`.',
    );
  });
});
