import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { defineChange } from '../../src/core/changes/define-change.ts';
import { type RequestEnvelope, requestHash } from '../../src/core/changes/request-envelope.ts';
import { requestMessage } from '../../src/core/changes/request-view.ts';
import type { Message } from '../../src/core/message.ts';
import { bold, code, mention, t } from '../../src/core/text.ts';
import type { Chat } from '../../src/ports/chat.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { renderMessage } from '../../src/slack/render.ts';
import { changeMachinery } from '../helpers/change-machinery.ts';
import { ManualClock } from '../helpers/clock.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const prod = { approval: { required: 1, from: ['sre'], expiresIn: '30m' } };
const catalog = { services: { api: {} }, environments: { prod } };
const deploy = defineChange({
  kind: 'deploy',
  concern: 'version',
  params: z.object({ sha: z.string() }),
  execute: async () => ({ ok: true, summary: 'done' }),
});

/** A request as an earlier version stored it: Slack mrkdwn strings, escaped when they were written. */
const legacy: RequestEnvelope = {
  title: 'Deploy api to prod',
  headline: '<@U0ALICE> wants to deploy `v1.4.2` to *prod*.',
  fields: ['*Reason*\nfix &lt;checkout&gt;'],
  exec: { sha: 'abc' },
  warnings: ['HorizontalPodAutoscaler `api` manages this deployment'],
  forced: '`api/prod` is locked by <@U0BOB>',
  direct: false,
};
/** The same request as it is stored now: parts. */
const current: RequestEnvelope = {
  ...legacy,
  headline: t`${mention('U0ALICE')} wants to deploy ${code('v1.4.2')} to ${bold('prod')}.`,
  fields: [t`${bold('Reason')}\nfix <checkout>`],
  warnings: [t`HorizontalPodAutoscaler ${code('api')} manages this deployment`],
  forced: t`${code('api/prod')} is locked by ${mention('U0BOB')}`,
};

describe('requests stored by earlier versions', () => {
  let dir: string;
  let store: SqliteStore;
  let clock: ManualClock;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsdeck-stored-'));
    clock = new ManualClock('2026-11-24T10:00:00Z');
    store = SqliteStore.open(join(dir, 'db'), clock);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const stored = async (id: string, envelope: RequestEnvelope) =>
    store.createRequest({
      id,
      kind: 'deploy',
      service: 'api',
      env: 'prod',
      requester: 'U0ALICE',
      channel: 'C1',
      params: envelope as unknown as Record<string, unknown>,
      hash: requestHash('deploy', 'api', 'prod', envelope),
      createdAt: clock.now(),
    });
  const slackText = (message: Message) => JSON.stringify(renderMessage(message));

  it('look the same in Slack as the structured form stored now', async () => {
    const old = slackText(requestMessage(await stored('req_old', legacy), [], prod)).replaceAll('req_old', 'ID');
    const now = slackText(requestMessage(await stored('req_new', current), [], prod)).replaceAll('req_new', 'ID');
    expect(old).toBe(now);
    expect(old).toContain('<@U0ALICE> wants to deploy `v1.4.2` to *prod*.');
    expect(old).toContain('fix &lt;checkout&gt;');
  });

  it('show an outcome summary stored as a string as it was written', async () => {
    const req = await stored('req_old', legacy);
    const summary = 'Superseded by a newer request from <@U0DAVE> (`req_x`).';
    const done = await store.transitionRequest(
      req.id,
      ['pending'],
      'superseded',
      { outcome: { summary } },
      clock.now(),
    );
    expect(slackText(requestMessage(done!, [], prod))).toContain(`:fast_forward: ${summary} Nothing was changed.`);
  });

  it('can still be approved: their seal is over what they stored', async () => {
    const posts: string[] = [];
    const chat: Chat = {
      post: async (_channel, m) => ({ ts: `1.${posts.push(renderMessage(m).text)}` }),
      update: async () => {},
      upload: async () => {},
    };
    const { approvals } = changeMachinery({ store, chat, clock, catalog, kinds: [deploy], log: silent });
    const req = await stored('req_old', legacy);
    await approvals.approve({
      click: {
        actionId: 'opsdeck.request.approve',
        value: req.id,
        userId: 'U0BOB',
        channelId: 'C1',
        messageTs: '1.1',
        reply: { ephemeral: async () => {}, inChannel: async () => {} },
      },
      roles: ['sre'],
      unverified: [],
      deps: {},
      log: silent,
      runCommand: async () => {},
    });
    expect((await store.getRequest(req.id))?.state).toBe('succeeded');
    expect(posts).toContain(':white_check_mark: done');
  });
});
