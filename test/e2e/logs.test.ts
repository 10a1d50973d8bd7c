import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { startHarness, textOf, type Harness } from '../helpers/harness.ts';
import { nextEphemeral } from '../helpers/requests.ts';

let world: Backends;
let h: Harness;
// Every test starts its own bot and backends, so each one runs alone and none inherits another's leftovers.
beforeEach(async () => {
  world = await startBackends();
  h = await startHarness({ backends: world, chatGapMs: 100 });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

const lines = (n: number, from: number, text: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => ({ timestamp: from + i * 10, message: text(i) }));

/** Every code line the bot posted in a thread. */
function threadLines(ts: string): string[] {
  return h.slack
    .messages({ channel: 'C0DEPLOYS', threadTs: ts })
    .flatMap((m) => m.blocks as { text?: { text?: string } }[])
    .map((b) => b.text?.text ?? '')
    .filter((t) => t.startsWith('```'))
    .flatMap((t) => t.slice(3, -3).split('\n'))
    .filter(Boolean);
}

describe('/logs snapshots', () => {
  it('posts a few lines inline with a summary, secrets redacted', async () => {
    const now = world.clock.now().getTime();
    world.cloudwatch.put('/ecs/api-prod', 'task/1', [
      ...lines(5, now - 60_000, (i) => `GET /v1/orders/${i} 200 12ms`),
      {
        timestamp: now - 30_000,
        message: 'login failed for bob password=hunter2hunter2 Authorization: Bearer abcdefghijklmnop',
      },
    ]);
    const reply = await h.run('U0BOB', '/logs', 'api prod --since 5m');
    expect(reply.ephemeralTo).toBeUndefined();
    const text = textOf(reply);
    expect(text).toContain('6 lines');
    expect(text).toContain('GET /v1/orders/4 200');
    expect(text).toContain('task/1');
    expect(text).not.toContain('hunter2hunter2');
    expect(text).not.toContain('abcdefghijklmnop');
  });

  it('uploads a large snapshot as a file with the summary as its comment', async () => {
    world.cloudwatch.put(
      '/ecs/api-staging',
      'task/2',
      lines(120, world.clock.now().getTime() - 120_000, (i) => `worker tick ${i}`),
    );
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/logs',
      text: 'api staging --since 10m',
    });
    const file = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.files?.length && m.text.includes('120 lines')),
    );
    const content = String(file.files?.[0]?.content ?? '');
    expect(content.split('\n').filter(Boolean)).toHaveLength(120);
    expect(content).toContain('worker tick 119');
  });

  it('reads pod logs across pods for Kubernetes', async () => {
    const text = textOf(await h.run('U0ALICE', '/logs', 'web staging --source kubernetes --since 5m --lines 20'));
    expect(text).toMatch(/web-[a-z0-9]+-[a-z0-9]+/);
  });

  it('refuses a viewer in prod, and bad options before reading anything', async () => {
    expect((await h.run('U0CAROL', '/logs', 'api prod')).text).toContain('logs:api:prod');
    expect((await h.run('U0BOB', '/logs', 'api prod --for 5m')).text).toContain('`--for` goes with `--follow`');
    expect((await h.run('U0BOB', '/logs', 'api prod --follow --for 2h')).text).toContain('at most 30m');
    expect((await h.run('U0BOB', '/logs', 'api prod --pod x')).text).toContain('--source kubernetes');
  });
});

describe('/logs --follow', () => {
  it('streams new lines into a thread exactly once, through a throttling burst, until its time is up', async () => {
    const generator = world.cloudwatch.generate({
      group: '/ecs/api-staging',
      streams: ['a', 'b'],
      eventsPerSecond: 40,
      secretShare: 0,
    });
    // Five seconds, not three: on a loaded two-core machine the throttled first reads took the whole of three.
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/logs',
      text: 'api staging --follow --for 5s --since 1s',
    });
    const parent = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.text.includes('Following logs of *api* in *staging*')),
    );
    expect(JSON.stringify(parent.blocks)).toContain('opsdeck.logs.stop');
    world.cloudwatch.injectFailure({ operation: 'FilterLogEvents', kind: 'throttle', times: 3 });
    const summary = await h.slack.waitFor(
      () =>
        h.slack
          .messages({ channel: 'C0DEPLOYS', threadTs: parent.ts })
          .find((m) => m.text.includes('reached its 5s limit')),
      { timeoutMs: 15_000 },
    );
    generator.stop();
    const shown = threadLines(parent.ts);
    expect(shown.length).toBeGreaterThan(20);
    expect(new Set(shown).size).toBe(shown.length);
    expect(summary.text).toContain(`${shown.length} lines shown`);
    const final = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.ts === parent.ts && m.edited),
    );
    expect(JSON.stringify(final.blocks)).not.toContain('opsdeck.logs.stop');
    expect(final.text).toContain('reached its 5s limit');
  });

  it('follows pod logs of every pod of the selector', async () => {
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/logs',
      text: 'web staging --source kubernetes --follow --for 2s',
    });
    const parent = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.text.includes('Following logs of *web* in *staging*')),
    );
    await h.slack.waitFor(
      () =>
        h.slack
          .messages({ channel: 'C0DEPLOYS', threadTs: parent.ts })
          .find((m) => m.text.includes('reached its 2s limit')),
      { timeoutMs: 15_000 },
    );
    const shown = threadLines(parent.ts);
    expect(shown.length).toBeGreaterThan(0);
    const pods = new Set(shown.map((l) => l.split(' ')[1]));
    expect(pods.size).toBe(2);
    expect(new Set(shown).size).toBe(shown.length);
  });

  it('stops on a Stop click by someone allowed to read those logs, and audits who', async () => {
    const generator = world.cloudwatch.generate({
      group: '/ecs/api-prod',
      streams: ['a'],
      eventsPerSecond: 10,
      secretShare: 0,
    });
    await h.slack.sendSlashCommand({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      command: '/logs',
      text: 'api prod --follow --for 5m',
    });
    const parent = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.text.includes('Following logs of *api* in *prod*')),
    );
    const id = /`(tail_[A-Za-z0-9_-]+)`/.exec(JSON.stringify(parent.blocks))![1]!;
    const refused = await nextEphemeral(h, 'U0CAROL', () =>
      h.slack.sendBlockAction({
        user: 'U0CAROL',
        channel: 'C0DEPLOYS',
        messageTs: parent.ts,
        actionId: 'opsdeck.logs.stop',
        value: id,
      }),
    );
    expect(refused.text).toContain('logs:api:prod');
    await h.slack.sendBlockAction({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      messageTs: parent.ts,
      actionId: 'opsdeck.logs.stop',
      value: id,
    });
    const closing = await h.slack.waitFor(
      () =>
        h.slack
          .messages({ channel: 'C0DEPLOYS', threadTs: parent.ts })
          .find((m) => m.text.includes('stopped by <@U0ALICE>')),
      { timeoutMs: 10_000 },
    );
    generator.stop();
    const summary = closing.text.replace('<@U0BOB> ', '');
    // Stored and audited as plain text: the same words, the person by id instead of in Slack's markup.
    const recorded = summary.replace('<@U0ALICE>', '@U0ALICE');
    const store = h.openStore();
    const audit = (await store.queryAudit({ limit: 50 })).filter((r) => r.requestId === id);
    const stored = await store.getTail(id);
    await store.close();
    expect(audit.map((r) => r.action)).toEqual(expect.arrayContaining(['logs.follow.started', 'logs.follow.stopped']));
    // The closing summary outlives the Stop click: in the store and the audit log, not only in the thread.
    expect(stored).toMatchObject({ state: 'stopped', stoppedBy: 'U0ALICE', summary: recorded });
    expect(audit.find((r) => r.action === 'logs.follow.stopped')?.details).toMatchObject({
      summary: recorded,
      by: 'U0ALICE',
    });
  });
});
