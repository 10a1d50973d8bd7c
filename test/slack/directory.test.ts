import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';
import { SlackDirectory } from '../../src/slack/directory.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { DirectoryUnavailable } from '../../src/ports/directory.ts';
import { ManualClock } from '../helpers/clock.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

describe('SlackDirectory (user groups from Slack)', () => {
  let slack: SlackEmulator;
  let clock: ManualClock;
  let directory: SlackDirectory;

  beforeEach(async () => {
    slack = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-dir' });
    clock = new ManualClock('2026-11-24T10:00:00Z');
    const client = new WebClient('xoxb-dir', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    directory = new SlackDirectory(client, { ttlMs: 60_000, clock, log: silent });
  });
  afterEach(async () => {
    await slack.close();
  });

  const calls = () => slack.calls('usergroups.users.list').length;

  it('resolves a handle to its members', async () => {
    expect([...(await directory.groupMembers('eng'))].sort()).toEqual(['U0ALICE', 'U0DAVE']);
  });

  it('caches for the TTL and asks again after it', async () => {
    await directory.groupMembers('eng');
    await directory.groupMembers('eng');
    expect(calls()).toBe(1);
    await clock.advance(61_000);
    await directory.groupMembers('eng');
    expect(calls()).toBe(2);
  });

  it('shares one lookup between concurrent callers', async () => {
    await Promise.all([directory.groupMembers('eng'), directory.groupMembers('eng'), directory.groupMembers('eng')]);
    expect(calls()).toBe(1);
  });

  it.each([
    ['an error', { error: 'internal_error' }],
    ['a 500', { status: 500 }],
  ])('keeps using the stale membership when Slack answers with %s', async (_label, failure) => {
    await directory.groupMembers('eng');
    await clock.advance(61_000);
    slack.failMethod('usergroups.users.list', failure);
    expect([...(await directory.groupMembers('eng'))].sort()).toEqual(['U0ALICE', 'U0DAVE']);
  });

  it('says the group is unavailable (never empty) when Slack fails and nothing is cached', async () => {
    slack.failMethod('usergroups.list', { error: 'internal_error' });
    await expect(directory.groupMembers('eng')).rejects.toBeInstanceOf(DirectoryUnavailable);
    slack.clearFailures();
    await clock.advance(61_000);
    expect((await directory.groupMembers('eng')).size).toBe(2);
  });

  it('treats an unknown handle as an empty group', async () => {
    expect((await directory.groupMembers('no-such-group')).size).toBe(0);
  });
});
