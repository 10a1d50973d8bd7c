import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { type ChangeKind, defineChange, type ExecutionContext } from '../../src/core/changes/define-change.ts';
import { outcomeSummary, requestHash } from '../../src/core/changes/request-envelope.ts';
import type { Message } from '../../src/core/message.ts';
import { toMrkdwn } from '../../src/slack/mrkdwn.ts';
import type { DeployOutcome } from '../../src/ports/backends.ts';
import type { Chat } from '../../src/ports/chat.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Store, StoredRequest } from '../../src/ports/store.ts';
import { changeMachinery } from '../helpers/change-machinery.ts';
import { ManualClock } from '../helpers/clock.ts';

/** How a request's outcome reads in Slack. */
const shownSummary = (req: StoredRequest | undefined) => toMrkdwn((req && outcomeSummary(req)) ?? '');

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const catalog = {
  services: { api: {} },
  environments: { staging: {}, prod: { approval: { required: 1, from: ['sre'], expiresIn: '30m' } } },
};

describe('ChangeFlow', () => {
  let dir: string;
  let store: SqliteStore;
  let posts: { channel: string; text: string; thread?: string }[];
  let runs: string[];
  let release: (() => void) | undefined;
  let clock: ManualClock;
  let running: string;
  let approvers: number | undefined;

  const deployKind = (execute?: (ctx: ExecutionContext<{ sha: string }>) => Promise<DeployOutcome>) =>
    defineChange({
      kind: 'deploy',
      concern: 'version',
      params: z.object({ sha: z.string() }),
      readBasis: async () => running,
      execute:
        execute ??
        (async ({ params }) => {
          runs.push(params.sha);
          if (release === undefined) await new Promise<void>((r) => (release = r));
          return { ok: true, summary: `deployed ${params.sha}` };
        }),
    });
  const scaleKind = defineChange({
    kind: 'scale',
    concern: 'replicas',
    params: z.object({ replicas: z.number() }),
    execute: async () => ({ ok: true, summary: 'scaled' }),
  });
  const plan = (env: string, sha: string, basis = 'image:v1') =>
    deployKind().plan({
      service: 'api',
      env,
      title: `Deploy api to ${env}`,
      headline: 'h',
      fields: [],
      params: { sha },
      basis,
    });
  const scalePlan = (env: string, replicas: number) =>
    scaleKind.plan({
      service: 'api',
      env,
      title: `Scale api in ${env}`,
      headline: 'h',
      fields: [],
      params: { replicas },
    });
  const recordingChat = (): Chat => ({
    post: async (channel: string, m: Message, thread?: string) => {
      posts.push({ channel, text: toMrkdwn(m.text), thread });
      return { ts: `1.${posts.length}` };
    },
    update: async () => {},
    upload: async () => {},
  });

  /** The change machinery on the test's store, chat and clock; parts can be swapped. */
  const build = (o: { store?: Store; chat?: Chat; kinds?: ChangeKind[] } = {}) =>
    changeMachinery({
      store: o.store ?? store,
      chat: o.chat ?? recordingChat(),
      clock,
      catalog,
      kinds: o.kinds ?? [deployKind(), scaleKind],
      log: silent,
      approversBesides: async () => approvers,
    });
  const replies: string[] = [];
  const submission = (requester = 'U0ALICE') => ({
    requester,
    channel: 'C1',
    invocationId: 'inv_1',
    dryRun: false,
    forced: undefined,
    notify: [],
    reply: { ephemeral: async (m: Message) => void replies.push(toMrkdwn(m.text)), inChannel: async () => {} },
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsdeck-flow-'));
    clock = new ManualClock('2026-11-24T10:00:00Z');
    store = SqliteStore.open(join(dir, 'db'), clock);
    posts = [];
    runs = [];
    release = undefined;
    replies.length = 0;
    running = 'image:v1';
    approvers = 2;
  });
  afterEach(async () => {
    release?.();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails closed: no request is posted when deploy.requested cannot be audited', async () => {
    const broken = new Proxy(store, {
      get: (target, key) => {
        if (key === 'appendAudit') return async () => Promise.reject(new Error('disk full'));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const f = build({ store: broken }).flow;
    await f.submit(plan('prod', 'a'), submission());
    expect(posts).toEqual([]);
    expect(replies[0]).toContain('audit log cannot be written');
    expect((await store.listRequests({}))[0]?.state).toBe('failed');
  });

  it('runs one change per service and environment at a time', async () => {
    const { flow: f } = build();
    const first = f.submit(plan('staging', 'a'), submission());
    while (!runs.length) await new Promise((r) => setImmediate(r));
    await f.submit(plan('staging', 'b'), submission());
    const states = (await store.listRequests({ service: 'api', env: 'staging' }))
      .map((r) => [(r.params.exec as { sha: string }).sha, r.state])
      .sort();
    expect(states).toEqual([
      ['a', 'running'],
      ['b', 'failed'],
    ]);
    expect(runs).toEqual(['a']);
    const second = (await store.listRequests({ service: 'api', env: 'staging' })).find((r) => r.state === 'failed');
    expect(shownSummary(second)).toContain('is still running');
    release!();
    await first;
    expect((await store.listRequests({ states: ['succeeded'] })).length).toBe(1);
  });

  it('takes over a run whose replica stopped once its lease ran out, reports what runs now, audits it', async () => {
    release = () => {};
    const now = clock.now();
    const req = await store.createRequest({
      id: 'req_dead',
      kind: 'deploy',
      service: 'api',
      env: 'prod',
      requester: 'U0ALICE',
      channel: 'C1',
      params: { title: 'Deploy api to prod', headline: '', fields: [], exec: { sha: 'a' }, warnings: [] },
      hash: 'x',
      createdAt: now,
    });
    await store.setRequestMessage(req.id, { channel: 'C1', ts: '9.9' });
    await store.transitionRequest(req.id, ['pending'], 'approved', undefined, now);
    const gone = await store.startRun(req.id, 'run_gone', 30_000, now);
    const { recover } = build();
    await clock.advance(29_999);
    expect(await recover()).toBe(0);
    await clock.advance(1);
    expect(await recover()).toBe(1);
    const after = await store.getRequest(req.id);
    expect(after).toMatchObject({ state: 'failed', leaseToken: gone!.token + 1 });
    expect(shownSummary(after)).toContain('Interrupted: the replica running this stopped. Running now: `image:v1`.');
    expect(shownSummary(after)).toContain('may be partly applied');
    expect((await store.queryAudit({ limit: 1 }))[0]).toMatchObject({
      action: 'deploy.interrupted',
      actor: 'opsdeck',
      requestId: 'req_dead',
      details: { runner: 'run_gone', runningNow: '`image:v1`' },
    });
    expect(posts.at(-1)).toMatchObject({ thread: '9.9' });
    expect(posts.at(-1)?.text).toContain('Running now: `image:v1`');
    expect(await recover()).toBe(0);
  });

  it('fails a request left approved for two lease terms by the store clock, and not before', async () => {
    const { flow: f, recover } = build();
    await f.submit(plan('prod', 'a'), submission());
    const [req] = await store.listRequests({ states: ['pending'] });
    // Approved, then its replica stopped before it could start it.
    await store.transitionRequest(req!.id, ['pending'], 'approved', undefined, clock.now());
    await clock.advance(59_999);
    expect(await recover()).toBe(0);
    await clock.advance(1);
    expect(await recover()).toBe(1);
    expect(shownSummary(await store.getRequest(req!.id))).toContain('opsdeck stopped before it started');
  });

  it('renews its lease on its clock while a change runs, and stops renewing when it ends', async () => {
    const { flow: f, recover } = build();
    const running = f.submit(plan('staging', 'a'), submission());
    while (!runs.length) await new Promise((r) => setImmediate(r));
    const [req] = await store.listRequests({ states: ['running'] });
    const t0 = new Date('2026-11-24T10:00:00Z').getTime();
    const at = (ms: number) => new Date(t0 + ms);
    expect(req).toMatchObject({ renewedAt: at(0), leaseExpiresAt: at(30_000) });
    await clock.advance(9_999);
    expect((await store.getRequest(req!.id))?.renewedAt).toEqual(at(0));
    await clock.advance(1);
    expect(await store.getRequest(req!.id)).toMatchObject({ renewedAt: at(10_000), leaseExpiresAt: at(40_000) });
    await clock.advance(25_000);
    expect((await store.getRequest(req!.id))?.renewedAt).toEqual(at(30_000));
    release!();
    await running;
    expect(clock.sleeping).toBe(0);
    expect(await store.getRequest(req!.id)).toMatchObject({ state: 'succeeded', leaseExpiresAt: undefined });
    expect(await recover()).toBe(0);
  });

  it('expires a pending request when its clock passes expiresIn, not before', async () => {
    const { flow: f, approvals } = build();
    await f.submit(plan('prod', 'a'), submission());
    await clock.advance(30 * 60_000 - 1);
    expect(await approvals.expireDue()).toBe(0);
    await clock.advance(1);
    expect(await approvals.expireDue()).toBe(1);
    const [req] = await store.listRequests({});
    expect(req).toMatchObject({ state: 'expired', updatedAt: new Date('2026-11-24T10:30:00Z') });
    expect(runs).toEqual([]);
  });

  it('refuses to approve a request whose stored content was altered, and audits the tampering', async () => {
    const { flow: f, approvals } = build();
    await f.submit(plan('prod', 'abc'), submission());
    const [req] = await store.listRequests({ states: ['pending'] });
    const db = new DatabaseSync(join(dir, 'db'));
    db.prepare('UPDATE requests SET params = ? WHERE id = ?').run(
      JSON.stringify({ ...req!.params, exec: { sha: 'evil' } }),
      req!.id,
    );
    db.close();
    const clickReplies: string[] = [];
    await expect(
      approvals.approve({
        click: {
          actionId: 'opsdeck.request.approve',
          value: req!.id,
          userId: 'U0BOB',
          channelId: 'C1',
          messageTs: '1.1',
          reply: { ephemeral: async (m) => void clickReplies.push(toMrkdwn(m.text)), inChannel: async () => {} },
        },
        roles: ['sre'],
        unverified: [],
        deps: {},
        log: silent,
        runCommand: async () => {},
      }),
    ).rejects.toThrow('altered');
    expect(runs).toEqual([]);
    expect((await store.getRequest(req!.id))?.state).toBe('failed');
    expect((await store.queryAudit({ limit: 5 })).map((r) => r.action)).toContain('request.tampered');
  });

  const clickAs = (userId: string, requestId: string, roles: string[], replies: string[] = []) => ({
    click: {
      actionId: 'opsdeck.request.approve',
      value: requestId,
      userId,
      channelId: 'C1',
      messageTs: '1.1',
      reply: { ephemeral: async (m: Message) => void replies.push(toMrkdwn(m.text)), inChannel: async () => {} },
    },
    roles,
    unverified: [],
    deps: {},
    log: silent,
    runCommand: async () => {},
  });
  const actionsOf = async (requestId: string) =>
    (await store.queryAudit({ limit: 100 }))
      .filter((r) => r.requestId === requestId)
      .map((r) => r.action)
      .reverse();

  it('supersedes older pending requests for the same target and concern, and says so in their messages', async () => {
    const { flow: f, approvals } = build();
    await f.submit(plan('prod', 'old'), submission('U0ALICE'));
    await f.submit(scalePlan('prod', 4), submission('U0ALICE'));
    await f.submit(plan('prod', 'new'), submission('U0DAVE'));
    const byExec = Object.fromEntries((await store.listRequests({})).map((r) => [JSON.stringify(r.params.exec), r]));
    const older = byExec['{"sha":"old"}']!;
    expect(older.state).toBe('superseded');
    expect(shownSummary(older)).toContain(`newer request from <@U0DAVE> (\`${byExec['{"sha":"new"}']!.id}\`)`);
    expect(byExec['{"replicas":4}']!.state).toBe('pending');
    expect(byExec['{"sha":"new"}']!.state).toBe('pending');
    expect(await actionsOf(older.id)).toEqual(['deploy.requested', 'request.superseded']);
    await expect(approvals.approve(clickAs('U0BOB', older.id, ['sre']))).rejects.toThrow('already superseded');
    expect(runs).toEqual([]);
  });

  it.each([
    ['what runs now changed since it was planned', 'image:v4', 'planned against image:v1; running now: image:v4'],
  ])('refuses an approval when %s and marks the request superseded', async (_label, runningNow, shown) => {
    const { flow: f, approvals } = build();
    await f.submit(plan('prod', 'a'), submission());
    const [req] = await store.listRequests({ states: ['pending'] });
    running = runningNow;
    await expect(approvals.approve(clickAs('U0BOB', req!.id, ['sre']))).rejects.toThrow(shown);
    expect(runs).toEqual([]);
    const after = await store.getRequest(req!.id);
    expect(after?.state).toBe('superseded');
    expect(shownSummary(after)).toContain(shown);
    expect(await store.listApprovals(req!.id)).toEqual([]);
    expect(await actionsOf(req!.id)).toEqual(['deploy.requested', 'request.superseded']);
  });

  it('approves and runs a request whose target still runs what it was planned against', async () => {
    release = () => {};
    const { flow: f, approvals } = build();
    await f.submit(plan('prod', 'a'), submission());
    const [req] = await store.listRequests({ states: ['pending'] });
    await approvals.approve(clickAs('U0BOB', req!.id, ['sre']));
    expect(runs).toEqual(['a']);
    expect((await store.getRequest(req!.id))?.state).toBe('succeeded');
  });

  it('refuses to approve blind when what runs now cannot be read, and leaves the request pending', async () => {
    const blind = { ...deployKind(), readBasis: async () => Promise.reject(new Error('cluster unreachable')) };
    const { flow: f, approvals } = build({ kinds: [blind] });
    await f.submit(plan('prod', 'a'), submission());
    const [req] = await store.listRequests({ states: ['pending'] });
    await expect(approvals.approve(clickAs('U0BOB', req!.id, ['sre']))).rejects.toThrow(
      'could not read what runs in `prod` now',
    );
    expect((await store.getRequest(req!.id))?.state).toBe('pending');
    expect(runs).toEqual([]);
  });

  it('audits a requester trying to approve their own request', async () => {
    const { flow: f, approvals } = build();
    await f.submit(plan('prod', 'a'), submission('U0BOB'));
    const [req] = await store.listRequests({ states: ['pending'] });
    await expect(approvals.approve(clickAs('U0BOB', req!.id, ['sre']))).rejects.toThrow(
      "can't approve your own request",
    );
    const entry = (await store.queryAudit({ limit: 1 }))[0];
    expect(entry).toMatchObject({
      action: 'approval.denied',
      actor: 'U0BOB',
      requestId: req!.id,
      details: { reason: 'own request' },
    });
  });

  it.each([
    [0, 'no one besides <@U0ALICE>'],
    [undefined, undefined],
    [1, undefined],
  ])('with %s other possible approvers, warns when posting only if nobody else can approve', async (count, warning) => {
    approvers = count;
    await build().flow.submit(plan('prod', 'a'), submission('U0ALICE'));
    const warned = [...posts.map((p) => p.text), ...replies].filter((t) => t.includes('Nobody else can approve'));
    if (warning) {
      expect(warned).toHaveLength(2);
      expect(warned[0]).toContain(warning);
    } else {
      expect(warned).toEqual([]);
    }
  });

  it('shows what a driver reports (progress and outcome) as text, never as mentions or links', async () => {
    const updates: string[] = [];
    const chat = {
      ...recordingChat(),
      update: async (_channel: string, _ts: string, m: Message) => void updates.push(toMrkdwn(m.text)),
    };
    const { flow: f } = build({
      chat,
      kinds: [
        deployKind(async ({ progress }) => {
          await progress('pod api-1: <!channel> OOMKilled');
          return {
            ok: false,
            summary: 'rollout failed: <@U0BOB> <https://evil.example|logs> & more',
            url: 'https://ci.example/run?a=1|x>y',
          };
        }),
      ],
    });
    await f.submit(plan('staging', 'a'), submission());
    const shown = [...posts.map((p) => p.text), ...updates].join('\n');
    expect(shown).not.toMatch(/<!channel>|<@U0BOB>|<https:\/\/evil/);
    expect(shown).toContain('rollout failed: &lt;@U0BOB&gt; &lt;https://evil.example|logs&gt; &amp; more');
    expect(shown).toContain('<https://ci.example/run?a=1%7Cx&gt;y|details>');
  });

  it('refuses to store a plan whose parameters do not fit its kind', async () => {
    const { flow } = build();
    const bad = { ...plan('prod', 'a'), params: { sha: 42 } };
    await expect(flow.submit(bad, submission())).rejects.toThrow();
    expect(await store.listRequests({})).toEqual([]);
  });

  it('checks stored parameters again when it runs them, and fails the request when they no longer fit', async () => {
    const { approvals } = build();
    const envelope = {
      title: 'Deploy api to prod',
      headline: 'h',
      fields: [],
      exec: { sha: 42 },
      warnings: [],
      direct: false,
    };
    await store.createRequest({
      id: 'req_old',
      kind: 'deploy',
      service: 'api',
      env: 'prod',
      requester: 'U0ALICE',
      channel: 'C1',
      params: envelope,
      hash: requestHash('deploy', 'api', 'prod', envelope),
      createdAt: clock.now(),
    });
    await approvals.approve(clickAs('U0BOB', 'req_old', ['sre']));
    const after = await store.getRequest('req_old');
    expect(after?.state).toBe('failed');
    expect(shownSummary(after)).toContain('stored parameters of this request are not valid (sha:');
    expect(runs).toEqual([]);
  });
});
