import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backends, startBackends } from '../helpers/backends.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let world: Backends;
let h: Harness;
beforeEach(async () => {
  world = await startBackends();
  h = await startHarness({ backends: world, chatGapMs: 100 });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

/** Every code line the bot posted in a thread. */
function threadLines(channel: string, ts: string): string[] {
  return h.slack
    .messages({ channel, threadTs: ts })
    .flatMap((m) => m.blocks as { text?: { text?: string } }[])
    .map((b) => b.text?.text ?? '')
    .filter((t) => t.startsWith('```'))
    .flatMap((t) => t.slice(3, -3).split('\n'))
    .filter(Boolean);
}

async function startFollow(user: string, channel: string, text: string) {
  const before = new Set(h.slack.messages({ channel }).map((m) => m.ts));
  await h.slack.sendSlashCommand({ user, channel, command: '/logs', text });
  return h.slack.waitFor(() =>
    h.slack.messages({ channel }).find((m) => !before.has(m.ts) && m.text.includes('Following logs of *api*')),
  );
}

const said = (channel: string, ts: string, words: string) =>
  h.slack.waitFor(() => h.slack.messages({ channel, threadTs: ts }).find((m) => m.text.includes(words)), {
    timeoutMs: 10_000,
  });

const tailId = (blocks: unknown) => /`(tail_[A-Za-z0-9_-]+)`/.exec(JSON.stringify(blocks))![1]!;

describe('/logs --follow over CloudWatch Live Tail', () => {
  it('shares one session between follows in two channels; a Stop in one leaves the other streaming', async () => {
    const first = await startFollow('U0ALICE', 'C0DEPLOYS', 'api staging --follow --for 5m');
    await said('C0DEPLOYS', first.ts, 'Streaming over CloudWatch Live Tail.');
    const second = await startFollow('U0BOB', 'C0INCIDENT', 'api staging --follow --for 5m');
    await said('C0INCIDENT', second.ts, 'one session shared with 1 other follow');
    expect(world.cloudwatch.liveTailSessions).toHaveLength(1);

    await h.slack.sendBlockAction({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      messageTs: first.ts,
      actionId: 'opsdeck.logs.stop',
      value: tailId(first.blocks),
    });
    await said('C0DEPLOYS', first.ts, 'stopped by <@U0ALICE>');
    const now = world.clock.now().getTime();
    world.cloudwatch.put('/ecs/api-staging', 'task/1', [
      { timestamp: now, message: 'GET /v1/orders 500 <@U0ALICE> & password=hunter2' },
    ]);
    await h.slack.waitFor(() => threadLines('C0INCIDENT', second.ts).find((l) => l.includes('/v1/orders 500')), {
      timeoutMs: 10_000,
    });
    const line = threadLines('C0INCIDENT', second.ts).find((l) => l.includes('/v1/orders 500'))!;
    // Escaped and redacted as any follow's lines: no mention, no secret.
    expect(line).toContain('&lt;@U0ALICE&gt; &amp;');
    expect(line).not.toContain('hunter2');
    expect(threadLines('C0DEPLOYS', first.ts).join('\n')).not.toContain('/v1/orders 500');
    expect(world.cloudwatch.liveTailSessions[0]?.endedBy).toBeUndefined();
  });

  it('follows by polling and says so in the thread when CloudWatch refuses Live Tail', async () => {
    // Every attempt: the SDK's standard retry mode retries LimitExceededException as throttling.
    world.cloudwatch.injectFailure({ operation: 'StartLiveTail', kind: 'limit', times: Infinity });
    const parent = await startFollow('U0ALICE', 'C0DEPLOYS', 'api staging --follow --for 5m');
    const notice = await said('C0DEPLOYS', parent.ts, 'Live Tail is not available');
    expect(notice.text).toContain('LimitExceededException');
    expect(notice.text).toContain('following by polling instead');
    world.cloudwatch.put('/ecs/api-staging', 'task/1', [{ timestamp: world.clock.now().getTime(), message: 'polled' }]);
    await h.slack.waitFor(() => threadLines('C0DEPLOYS', parent.ts).find((l) => l.includes('polled')), {
      timeoutMs: 10_000,
    });
    expect(world.cloudwatch.liveTailSessions).toHaveLength(0);
  });
});
