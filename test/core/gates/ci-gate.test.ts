import { describe, expect, it } from 'vitest';
import { ciBlocks, evaluateChecks, type RequiredChecks, requiredChecks } from '../../../src/core/gates/ci-gate.ts';
import type { CommitCheck } from '../../../src/ports/commit-checks.ts';

const build: CommitCheck = { name: 'build', state: 'passed' };
const test: CommitCheck = { name: 'test', state: 'failed', url: 'https://ci/test', detail: 'failure' };
const e2e: CommitCheck = { name: 'e2e', state: 'pending', detail: 'in progress' };
const lint: CommitCheck = { name: 'lint', state: 'failed' };

describe('requiredChecks', () => {
  it.each<[string, Parameters<typeof requiredChecks>[0], RequiredChecks]>([
    ['an environment that needs approval', { approval: { required: 1, from: ['sre'], expiresIn: '30m' } }, 'all'],
    ['one that does not', {}, 'none'],
    ['an unknown one', undefined, 'none'],
    ['an explicit list', { checks: { required: ['build'] } }, ['build']],
    [
      'none despite approval',
      { approval: { required: 1, from: ['sre'], expiresIn: '1h' }, checks: { required: 'none' } },
      'none',
    ],
  ])('%s asks for %j', (_label, env, expected) => {
    expect(requiredChecks(env)).toEqual(expected);
  });
});

describe('evaluateChecks', () => {
  it.each<{ label: string; checks: CommitCheck[]; required: RequiredChecks; blocking: string[]; blocks: boolean }>([
    { label: 'all passed', checks: [build], required: 'all', blocking: [], blocks: false },
    { label: 'none reported under all', checks: [], required: 'all', blocking: [], blocks: false },
    { label: 'a failure under all', checks: [build, test], required: 'all', blocking: ['test:failed'], blocks: true },
    {
      label: 'failures before pending ones',
      checks: [e2e, build, test],
      required: 'all',
      blocking: ['test:failed', 'e2e:pending'],
      blocks: true,
    },
    { label: 'anything under none', checks: [test, e2e], required: 'none', blocking: [], blocks: false },
    { label: 'a named check that passed', checks: [build, test], required: ['build'], blocking: [], blocks: false },
    {
      label: 'a named check that failed; others ignored',
      checks: [build, test, lint],
      required: ['lint'],
      blocking: ['lint:failed'],
      blocks: true,
    },
    {
      label: 'a named check that never reported',
      checks: [build],
      required: ['build', 'ci/deploy-ready'],
      blocking: ['ci/deploy-ready:missing'],
      blocks: true,
    },
  ])('$label', ({ checks, required, blocking, blocks }) => {
    const gate = evaluateChecks(checks, required);
    if (gate.kind !== 'read') throw new Error('expected a read gate');
    expect(gate.blocking.map((c) => `${c.name}:${c.state}`)).toEqual(blocking);
    expect(ciBlocks(gate)).toBe(blocks);
  });

  it('marks which checks are required and keeps their links', () => {
    const gate = evaluateChecks([build, test], ['test']);
    if (gate.kind !== 'read') throw new Error('expected a read gate');
    expect(gate.checks).toEqual([
      { name: 'build', state: 'passed', required: false },
      { name: 'test', state: 'failed', required: true, url: 'https://ci/test', detail: 'failure' },
    ]);
  });

  it.each<[RequiredChecks, boolean]>([
    ['all', true],
    [['build'], true],
    ['none', false],
  ])('unreadable checks block when %j are required: %s', (required, blocks) => {
    expect(ciBlocks({ kind: 'unreadable', required, error: 'GitHub answered 502' })).toBe(blocks);
    expect(ciBlocks({ kind: 'skipped', required })).toBe(false);
  });
});
