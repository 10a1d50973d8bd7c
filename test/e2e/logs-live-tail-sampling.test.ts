import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backends, startBackends } from '../helpers/backends.ts';
import { exampleConfigText, type Harness, startHarness } from '../helpers/harness.ts';

let world: Backends;
let h: Harness;
beforeEach(async () => {
  world = await startBackends();
  // A budget the few seconds of a sampled follow (500 lines a second) cannot use up.
  const configText = (await exampleConfigText()).replace('maxLines: 2000', 'maxLines: 20000');
  h = await startHarness({
    backends: world,
    chatGapMs: 50,
    configText,
    // A second's window, counted once it settled; re-measured only after the test is over.
    tuning: { liveTailSampling: { windowMs: 1000, settleMs: 1500, everyMs: 60_000 } },
  });
});
afterEach(async () => {
  world?.cloudwatch.stopGenerators();
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

describe('/logs --follow of a target CloudWatch samples', () => {
  it('says in the thread what share of the events is shown, and shows no line twice', async () => {
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/logs',
      text: 'api staging --follow --for 5m',
    });
    const parent = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.text.includes('Following logs of *api*')),
    );
    const inThread = (words: string) =>
      h.slack.waitFor(
        () => h.slack.messages({ channel: 'C0DEPLOYS', threadTs: parent.ts }).find((m) => m.text.includes(words)),
        {
          timeoutMs: 10_000,
        },
      );
    await inThread('Streaming over CloudWatch Live Tail.');
    // Four times what Live Tail shows a second, each line its own.
    world.cloudwatch.generate({
      group: '/ecs/api-staging',
      streams: ['task/1', 'task/2'],
      eventsPerSecond: 2000,
      tickMs: 50,
      messages: ({ index }) => `GET /v1/orders/${index} 200`,
    });
    await inThread('at most 500 events a second are shown');
    const notice = await inThread('of events are shown (');
    const share = /about (\d+)% of events are shown \(([\d,]+) of ([\d,]+) between (\S+) and (\S+) UTC\)/.exec(
      notice.text,
    );
    expect(share, notice.text).not.toBeNull();
    const percent = Number(share![1]);
    expect(percent).toBeGreaterThanOrEqual(10);
    expect(percent).toBeLessThanOrEqual(50);
    const [shown, matched] = [share![2]!, share![3]!].map((n) => Number(n.replaceAll(',', '')));
    expect(shown).toBeLessThan(matched!);
    expect(Math.round((shown! / matched!) * 100)).toBe(percent);

    const lines = threadLines('C0DEPLOYS', parent.ts);
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
