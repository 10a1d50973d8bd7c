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

/** A thread's lines as seq numbers per pod. */
function seqsByPod(channel: string, ts: string): Map<string, number[]> {
  const pods = new Map<string, number[]>();
  for (const line of threadLines(channel, ts)) {
    const pod = /pod=(\S+)/.exec(line)?.[1] ?? '?';
    pods.set(pod, [...(pods.get(pod) ?? []), Number(/seq=(\d+)/.exec(line)?.[1])]);
  }
  return pods;
}

const newest = (channel: string, ts: string) => [...seqsByPod(channel, ts).values()].map((s) => Math.max(...s));

async function startFollow(user: string, channel: string) {
  const before = new Set(h.slack.messages({ channel }).map((m) => m.ts));
  await h.slack.sendSlashCommand({
    user,
    channel,
    command: '/logs',
    text: 'web staging --source kubernetes --follow --for 5m',
  });
  return h.slack.waitFor(() =>
    h.slack.messages({ channel }).find((m) => !before.has(m.ts) && m.text.includes('Following logs of *web*')),
  );
}

async function stop(user: string, channel: string, parent: { ts: string; blocks: unknown }) {
  const id = /`(tail_[A-Za-z0-9_-]+)`/.exec(JSON.stringify(parent.blocks))![1]!;
  await h.slack.sendBlockAction({ user, channel, messageTs: parent.ts, actionId: 'opsdeck.logs.stop', value: id });
  await h.slack.waitFor(
    () => h.slack.messages({ channel, threadTs: parent.ts }).find((m) => m.text.includes(`stopped by <@${user}>`)),
    { timeoutMs: 10_000 },
  );
}

const until = (check: () => boolean) => h.slack.waitFor(() => (check() ? true : undefined), { timeoutMs: 20_000 });

describe('/logs --follow of pods in two channels', () => {
  it('shares one stream per pod; a Stop in one leaves the other; the last Stop closes them', async () => {
    const k8s = world.clusters.staging;
    const streams = () =>
      k8s.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/web/pods/') && r.query.includes('follow=true'));
    const first = await startFollow('U0ALICE', 'C0DEPLOYS');
    await until(() => seqsByPod('C0DEPLOYS', first.ts).size === 2);
    const second = await startFollow('U0BOB', 'C0INCIDENT');
    await until(() => seqsByPod('C0INCIDENT', second.ts).size === 2);
    const shared = newest('C0DEPLOYS', first.ts);
    await until(() => newest('C0DEPLOYS', first.ts).every((seq, i) => seq >= shared[i]! + 2));

    await stop('U0ALICE', 'C0DEPLOYS', first);
    const stoppedAt = newest('C0INCIDENT', second.ts);
    await until(() => newest('C0INCIDENT', second.ts).every((seq, i) => seq >= stoppedAt[i]! + 2));
    expect(streams()).toHaveLength(2);
    expect(streams().map((r) => r.status)).toEqual([undefined, undefined]);

    await stop('U0BOB', 'C0INCIDENT', second);
    await until(() => streams().every((r) => r.status === 200));
    expect(streams()).toHaveLength(2);
    for (const [channel, parent] of [
      ['C0DEPLOYS', first],
      ['C0INCIDENT', second],
    ] as const) {
      const pods = seqsByPod(channel, parent.ts);
      expect(pods.size).toBe(2);
      // Every line of each pod once, from the follow's start to its Stop: consecutive, no gap at the hand-over.
      for (const seqs of pods.values()) expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    }
    const firstSeqs = seqsByPod('C0DEPLOYS', first.ts);
    for (const [pod, seqs] of seqsByPod('C0INCIDENT', second.ts)) {
      // While both ran they showed the same lines of each pod, the later one from its own --since on.
      const mine = firstSeqs.get(pod)!;
      expect(seqs.filter((s) => s <= mine.at(-1)!)).toEqual(mine.filter((s) => s >= seqs[0]!));
      expect(seqs.at(-1)).toBeGreaterThan(mine.at(-1)!);
    }
  });
});
