import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
});

describe('Slack user groups unavailable', () => {
  it('tells a group member their roles could not be verified, instead of "you hold no role"', async () => {
    h.slack.failMethod('usergroups.list', { error: 'internal_error' });
    const reply = await h.run('U0ALICE', '/logs', 'api staging');
    expect(reply.text).toContain('could not verify your roles');
    expect(reply.text).toContain('try again');
    expect(reply.text).not.toContain('no opsdeck role');
  });

  it('still answers users whose roles do not depend on groups', async () => {
    h.slack.failMethod('usergroups.list', { error: 'internal_error' });
    const reply = await h.run('U0CAROL', '/ops', 'whoami');
    expect(reply.text).toContain('viewer');
  });
});
