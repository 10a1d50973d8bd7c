import { describe, expect, it } from 'vitest';
import { CommandNames } from '../../src/core/command-names.ts';

const FAMILIES = ['deploy', 'logs', 'ops'];

describe('CommandNames', () => {
  it.each([
    [{}, 'deploy', '/deploy'],
    [{ prefix: 'ops-' }, 'deploy', '/ops-deploy'],
    [{ prefix: 'ops-', names: { deploy: 'ship' } }, 'deploy', '/ship'],
    [{ names: { ops: '/OpsDeck' } }, 'ops', '/opsdeck'],
  ])('%j names %s %s', (naming, family, slash) => {
    expect(new CommandNames(FAMILIES, naming).slash(family)).toBe(slash);
  });

  it.each([
    ['ops-deploy', 'deploy'],
    ['/OPS-LOGS', 'logs'],
    ['deploy', 'deploy'],
    ['ship', undefined],
  ])('reads the typed %s as %s', (typed, family) => {
    expect(new CommandNames(FAMILIES, { prefix: 'ops-' }).family(typed)).toBe(family);
  });

  it('rewrites usage lines and examples, leaving paths and other words alone', () => {
    const names = new CommandNames(FAMILIES, { prefix: 'ops-' });
    expect(names.rename('/deploy api prod; see `/ops help` and /var/log/deploy')).toBe(
      '/ops-deploy api prod; see `/ops-ops help` and /var/log/deploy',
    );
  });

  it.each([
    [{ names: { deploi: 'x' } }, 'slack.commands.names.deploi: no command family deploi'],
    [{ names: { deploy: 'logs' } }, 'two commands would be named /logs'],
  ])('refuses %j', (naming, message) => {
    expect(() => new CommandNames(FAMILIES, naming)).toThrow(message);
  });
});
