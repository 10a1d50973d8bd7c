import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WEEKDAY } from '../helpers/clock.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { exampleConfigText, startHarness, textOf, type Harness } from '../helpers/harness.ts';
import { requestIn, settled } from '../helpers/requests.ts';
import { redactionFaults, sampleText, SECRET_SAMPLES } from '../helpers/secret-corpus.ts';

const T0 = WEEKDAY.getTime();
let world: Backends;
let h: Harness;

beforeEach(async () => {
  world = await startBackends();
  const config = (await exampleConfigText()).replace('tag: sha', 'tag: ref');
  h = await startHarness({ backends: world, configText: config });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

const leaks = (output: string) => SECRET_SAMPLES.flatMap((s) => redactionFaults(s, output).leaked);

describe('secrets in what people type and what backends return never reach Slack or the audit log', () => {
  it('a reason carrying secrets: the request message, its edits, the thread and the audit trail', async () => {
    // Reasons are at most 500 characters: a few one-line samples at a time, each its own deploy.
    const oneLiners = SECRET_SAMPLES.filter((s) => s.events.length === 1).map((s) => sampleText(s).replace(/"/g, "'"));
    const reasons = oneLiners.reduce<string[]>((acc, line) => {
      const last = acc.at(-1);
      if (last !== undefined && last.length + line.length < 480) acc[acc.length - 1] = `${last} ${line}`;
      else acc.push(line.slice(0, 480));
      return acc;
    }, []);
    for (const reason of reasons.slice(0, 4)) {
      const seen = new Set(h.slack.messages({ channel: 'C0DEPLOYS' }).map((m) => m.ts));
      await h.slack.sendSlashCommand({
        user: 'U0ALICE',
        channel: 'C0DEPLOYS',
        command: '/deploy',
        text: `api staging v1.2.0 --reason "${reason}" --dry-run`,
      });
      await h.slack.waitFor(() =>
        h.slack.messages({ visibleTo: 'U0ALICE' }).find((m) => !seen.has(m.ts) && m.text.startsWith('Dry run')),
      );
    }
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: `api staging v1.2.0 --reason "${reasons[0]}"`,
    });
    const done = await settled(h, await h.slack.waitFor(() => requestIn(h.slack, 'Deploy api to staging')));
    expect(textOf(done)).toContain('*Reason*');
    expect(leaks(JSON.stringify(h.slack.messages({})))).toEqual([]);
    const store = h.openStore();
    try {
      expect(leaks(JSON.stringify(await store.queryAudit({ limit: 100 })))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('log lines carrying secrets, posted inline and attached as a file', async () => {
    const events = SECRET_SAMPLES.flatMap((s) => s.events).map((message, i) => ({
      timestamp: T0 - 60_000 + i,
      message,
    }));
    world.cloudwatch.put('/ecs/api-prod', 'task/1', events);
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/logs',
      text: 'api prod --since 15m --lines 500',
    });
    const shared = await h.slack.waitFor(() => h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.files?.length));
    const file = h.slack.file(shared.files![0]!.id)?.content?.toString() ?? '';
    expect(file.split('\n').length).toBeGreaterThan(SECRET_SAMPLES.length);
    expect(leaks(file)).toEqual([]);
    expect(leaks(JSON.stringify(shared))).toEqual([]);
  });
});
