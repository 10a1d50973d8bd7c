import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RespondArguments } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { createRedactor } from '../../src/core/redact.ts';
import { AuditLog } from '../../src/core/audit-log.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';
import { SlackChat } from '../../src/slack/chat.ts';
import { responseUrlReplier } from '../../src/slack/replier.ts';
import { redactionFaults, sampleText, SECRET_SAMPLES } from '../helpers/secret-corpus.ts';

/**
 * Every way opsdeck's words leave the process, fed the same corpus of secret shapes: chat posts,
 * edits, ephemeral and in-channel replies, uploaded files (content and comment), and audit details.
 */
let slack: SlackEmulator;
let chat: SlackChat;
let dir: string;
let store: SqliteStore;
const redactor = createRedactor();
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const responses: RespondArguments[] = [];
const replier = responseUrlReplier(async (r) => {
  responses.push(r as RespondArguments);
  return {} as Awaited<ReturnType<Parameters<typeof responseUrlReplier>[0]>>;
}, redactor);

beforeAll(async () => {
  slack = await SlackEmulator.start({ signingSecret: 's', botToken: 'xoxb-boundary-0000' });
  chat = new SlackChat(
    new WebClient('xoxb-boundary-0000', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
    redactor,
  );
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-boundary-'));
  store = SqliteStore.open(join(dir, 'db'), systemClock);
});
afterAll(async () => {
  await slack.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const expectClean = (sample: (typeof SECRET_SAMPLES)[number], output: string) => {
  expect(redactionFaults(sample, output).leaked).toEqual([]);
};

describe.each(SECRET_SAMPLES.map((s) => [s.name, s] as const))('%s', (_name, sample) => {
  const text = sampleText(sample);
  const message = {
    text,
    blocks: [
      { type: 'text' as const, text },
      { type: 'code' as const, text },
      { type: 'fields' as const, fields: [text] },
    ],
  };

  it('is redacted from a posted message and from its edit', async () => {
    const { ts } = await chat.post('C0DEPLOYS', message);
    expectClean(sample, JSON.stringify(slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.ts === ts)));
    await chat.update('C0DEPLOYS', ts, { text: `edited ${text}`, blocks: [{ type: 'context', text }] });
    expectClean(sample, JSON.stringify(slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.ts === ts)));
  });

  it('is redacted from ephemeral and in-channel replies', async () => {
    responses.length = 0;
    await replier.ephemeral(message);
    await replier.inChannel(message);
    expectClean(sample, JSON.stringify(responses));
  });

  it('is redacted from an uploaded file and its comment', async () => {
    const before = new Set(slack.messages({ channel: 'C0DEPLOYS' }).map((m) => m.ts));
    await chat.upload('C0DEPLOYS', { filename: 'logs.txt', title: 'logs', content: `${text}\n`, comment: text });
    const shared = slack.messages({ channel: 'C0DEPLOYS' }).find((m) => !before.has(m.ts) && m.files?.length);
    expectClean(sample, JSON.stringify(shared));
    expectClean(sample, slack.file(shared!.files![0]!.id)?.content?.toString() ?? '');
  });

  it('is redacted from audit details before they are hashed', async () => {
    const audit = new AuditLog({ store, clock: systemClock, redactor, log: silent });
    expect(
      await audit.record({
        actor: 'U0BOB',
        action: 'test.recorded',
        requestId: 'req_x',
        details: { reason: text, nested: { lines: [text] } },
      }),
    ).toBe(true);
    expectClean(sample, JSON.stringify((await store.queryAudit({ limit: 1 }))[0]));
  });
});
