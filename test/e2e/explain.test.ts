import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { startHarness, teamConfigText, textOf, type Harness } from '../helpers/harness.ts';

let world: Backends;
let h: Harness;
beforeEach(async () => {
  world = await startBackends();
  h = await startHarness({ backends: world, configText: await teamConfigText() });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

describe('/ops explain through signed Slack requests', () => {
  it('walks a decision for a user whose role comes from a user group, for anyone who may ask whoami', async () => {
    const run = world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'failure' });
    // Slack sends a mention in command text as <@id|name>.
    const reply = await h.run('U0CAROL', '/ops', 'explain <@U0ALICE|alice> deploy api prod v1.2.0', 'C0GENERAL');
    expect(reply.ephemeralTo).toBe('U0CAROL');
    const text = textOf(reply);
    expect(text).toContain('Can they deploy api in prod?');
    expect(text).toContain('`developer` through the user group @eng');
    expect(text).toContain('`deploy:api:prod` is granted by `developer` (`deploy:*:*`)');
    expect(text).toContain('only in <#C0DEPLOYS>');
    expect(text).toContain('1 approval(s) from `sre`: <@U0BOB>, <@U0ERIN>, <!subteam^S0SRE>');
    expect(text).toContain('none in force');
    expect(text).toContain(`${world.github.webUrl}/acme/api/runs/${run}`);
    expect(text).toContain('Not now: one thing below stands in the way');
    expect(text).toContain('nothing was changed');
    // Read-only: nothing was posted in any channel, and no request was stored.
    expect(h.slack.messages({ channel: 'C0DEPLOYS' })).toHaveLength(0);
  });

  it('answers about oneself with me', async () => {
    const text = textOf(await h.run('U0BOB', '/ops', 'explain me scale api prod'));
    expect(text).toContain('`sre`: listed by id');
    expect(text).toContain('Yes in <#C0DEPLOYS>, then it waits for 1 approval(s) from `sre`');
  });
});
