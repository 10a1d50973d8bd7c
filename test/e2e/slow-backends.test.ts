import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { exampleConfigText, startHarness, type Harness } from '../helpers/harness.ts';
import { requestIn } from '../helpers/requests.ts';

let world: Backends;
let h: Harness;

beforeEach(async () => {
  world = await startBackends();
  const config = (await exampleConfigText()).replace('tag: sha', 'tag: ref');
  h = await startHarness({ backends: world, configText: config, workingNoticeMs: 200 });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

const ephemeralTo = (user: string) =>
  h.slack
    .messages({ visibleTo: user })
    .filter((m) => m.ephemeralTo === user)
    .map((m) => m.text);

describe('a slow backend', () => {
  it('gets a "working on it" reply instead of silence, then the answer', async () => {
    world.github.injectFailure({ kind: 'delayMs', delayMs: 1500, pathPattern: /\/compare\//, times: 1 });
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'api prod v1.2.0',
    });
    await h.slack.waitFor(() => ephemeralTo('U0ALICE').find((t) => t.includes('Working on it')));
    await h.slack.waitFor(() => requestIn(h.slack, 'Deploy api to prod'));
    expect(ephemeralTo('U0ALICE')).toHaveLength(1);
  });
});
