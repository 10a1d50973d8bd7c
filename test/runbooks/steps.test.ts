import { describe, expect, it } from 'vitest';
import { findSteps, ofFamilies } from '../../src/core/runbooks/steps.ts';

const FAMILIES = ofFamilies(['deploy', 'rollback', 'scale', 'logs', 'runbook', 'ops']);

const steps = (markdown: string, firstLine = 1) =>
  findSteps(markdown, FAMILIES, firstLine).map(({ line, command, family, text }) => [line, command, family, text]);

describe('findSteps', () => {
  it.each([
    {
      name: 'inline code',
      md: 'Check `/ops status api prod` first.',
      want: [[1, '/ops status api prod', 'ops', 'status api prod']],
    },
    {
      name: 'two on one line',
      md: '`/ops status api prod` then `/rollback api prod`',
      want: [
        [1, '/ops status api prod', 'ops', 'status api prod'],
        [1, '/rollback api prod', 'rollback', 'api prod'],
      ],
    },
    {
      name: 'flags and quotes kept',
      md: '- `/logs api prod --since 15m --grep "too many"`',
      want: [[1, '/logs api prod --since 15m --grep "too many"', 'logs', 'api prod --since 15m --grep "too many"']],
    },
    {
      name: 'double-backtick span',
      md: 'Run ``/deploy api staging`` now',
      want: [[1, '/deploy api staging', 'deploy', 'api staging']],
    },
    { name: 'bare family', md: 'Ask `/ops` for help', want: [[1, '/ops', 'ops', '']] },
    { name: 'not a family', md: '`/deployment api` and `/tmp/file` and `/usr/bin/env`', want: [] },
    { name: 'prose without code', md: 'Then /rollback api prod if needed.', want: [] },
    { name: 'path-like code', md: 'See `/ops/status` and `/logs/api`', want: [] },
    { name: 'not at start of span', md: '`run /logs api prod`', want: [] },
  ])('$name', ({ md, want }) => {
    expect(steps(md)).toEqual(want);
  });

  it('takes command lines from fenced code, and ignores other lines there', () => {
    const md = [
      'Intro',
      '```',
      '/ops status api prod',
      'kubectl get pods',
      '  /scale api prod 12  ',
      '```',
      'after `/rollback web prod`',
    ].join('\n');
    expect(steps(md)).toEqual([
      [3, '/ops status api prod', 'ops', 'status api prod'],
      [5, '/scale api prod 12', 'scale', 'api prod 12'],
      [7, '/rollback web prod', 'rollback', 'web prod'],
    ]);
  });

  it('does not read inline code inside fences, and closes fences only with the same marker', () => {
    const md = ['~~~~', 'echo `/deploy api prod`', '```', '/scale api prod 3', '~~~~', '`/ops whoami`'].join('\n');
    expect(steps(md)).toEqual([
      [4, '/scale api prod 3', 'scale', 'api prod 3'],
      [6, '/ops whoami', 'ops', 'whoami'],
    ]);
  });

  it('numbers lines from firstLine, so steps point into the whole file', () => {
    expect(steps('\n\n`/ops status web`', 9)).toEqual([[11, '/ops status web', 'ops', 'status web']]);
  });

  it('only recognises the families it is given', () => {
    expect(findSteps('`/logs api prod` `/ops status api`', ofFamilies(['ops'])).map((s) => s.family)).toEqual(['ops']);
  });
});
