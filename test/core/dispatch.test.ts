import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.ts';
import { defineCommand } from '../../src/core/command.ts';
import { AuditLog } from '../../src/core/audit-log.ts';
import type { Capabilities } from '../../src/core/capabilities.ts';
import { Dispatcher } from '../../src/core/dispatch.ts';
import { BackendError, UserError } from '../../src/core/errors.ts';
import { Policy } from '../../src/core/policy.ts';
import { createRedactor } from '../../src/core/redact.ts';
import { Registry } from '../../src/core/registry.ts';
import type { Store } from '../../src/ports/store.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { responseUrlReplier } from '../../src/slack/replier.ts';
import { ManualClock } from '../helpers/clock.ts';
import type { CommandOutcome } from '../../src/ports/metrics.ts';

const directory = { groupMembers: async () => new Set<string>(), groupId: async () => undefined };
const backends = { deployer: () => undefined, scaler: () => undefined, sourceControl: undefined };

const catalog = {
  services: { api: {} },
  environments: { staging: {}, prod: { channels: ['C0DEPLOYS'] } },
};

/** What the dispatcher hands commands, on `store`; the tests' commands need no runbooks or log sources. */
function capabilitiesOf(
  store: Store,
  registry: Registry,
  policy: Policy,
  clock: ManualClock,
  log: Logger,
): Capabilities {
  return {
    catalog,
    clock,
    permissions: policy,
    directory,
    commands: registry,
    locks: store,
    auditTrail: store,
    alerts: store,
    reviews: store,
    requests: store,
    tails: store,
    backends,
    commitChecks: { read: async () => [] },
    runbooks: undefined as never,
    logs: undefined as never,
    audit: new AuditLog({ store, clock, redactor: createRedactor(), log }),
  };
}

const noChanges = { submit: async () => {} };

function recordingLogger(lines: Record<string, unknown>[], bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: object, msg?: string) => lines.push({ level, ...bindings, ...obj, msg });
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (b) => recordingLogger(lines, { ...bindings, ...b }),
  };
}

describe('Dispatcher', () => {
  let dir: string;
  let store: SqliteStore;
  let clock: ManualClock;
  let ran: string[];
  let replies: { kind: string; message: { text: string } }[];
  let logs: Record<string, unknown>[];
  let outcomes: [string, CommandOutcome][];

  const change = defineCommand({
    family: 'change',
    summary: 'a mutating test command',
    examples: ['/change api prod'],
    positionals: [
      { name: 'service', kind: 'service', help: 's' },
      { name: 'env', kind: 'env', help: 'e' },
    ],
    flags: {},
    schema: z.object({ service: z.string(), env: z.string() }),
    permission: 'deploy',
    mutating: true,
    async handler({ args }) {
      ran.push(`change ${args.service} ${args.env}`);
    },
  });
  const look = defineCommand({
    family: 'look',
    summary: 'a read-only test command',
    examples: ['/look'],
    positionals: [],
    flags: {},
    schema: z.object({}),
    permission: null,
    mutating: false,
    async handler() {
      ran.push('look');
    },
  });
  const boom = defineCommand({
    family: 'boom',
    summary: 'fails',
    examples: ['/boom'],
    positionals: [],
    flags: {},
    schema: z.object({}),
    permission: null,
    mutating: false,
    async handler() {
      throw new Error('backend exploded');
    },
  });
  const backendDown = defineCommand({
    family: 'backend',
    summary: 'a backend fails',
    examples: ['/backend'],
    positionals: [],
    flags: {},
    schema: z.object({}),
    permission: null,
    mutating: false,
    async handler() {
      throw new BackendError(
        'GitHub said: <!channel> <@U0BOB> see <https://evil.example|docs> & token=ghp_abcdefghijklmnopqrstuvwxyz0123',
      );
    },
  });
  const refuse = defineCommand({
    family: 'refuse',
    summary: 'refuses',
    examples: ['/refuse'],
    positionals: [],
    flags: {},
    schema: z.object({}),
    permission: null,
    mutating: false,
    async handler() {
      throw new UserError('replicas must be between 2 and 20');
    },
  });

  function dispatcher(s = store) {
    const policy = new Policy({ deployer: { members: ['U0ALICE'], allow: ['deploy:*:*'] } }, directory);
    const registry = new Registry([change, look, boom, refuse, backendDown]);
    return new Dispatcher({
      capabilities: capabilitiesOf(s, registry, policy, clock, recordingLogger(logs)),
      policy,
      directory,
      changes: noChanges,
      log: recordingLogger(logs),
      metrics: { commandFinished: (c, o) => outcomes.push([c, o]) },
      actions: [],
    });
  }
  // Replies as Slack receives them: through the response_url replier, which redacts and renders.
  const reply = responseUrlReplier(async (sent) => {
    const { response_type: kind = '', text = '' } = sent as { response_type?: string; text?: string };
    replies.push({ kind, message: { text } });
    return {} as Awaited<ReturnType<Parameters<typeof responseUrlReplier>[0]>>;
  }, createRedactor());
  const invoke = (d: Dispatcher, family: string, text: string, userId = 'U0ALICE', channelId = 'C0DEPLOYS') =>
    d.dispatch({ family, text, userId, channelId, reply });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsdeck-dispatch-'));
    clock = new ManualClock('2026-11-24T10:00:00Z');
    store = SqliteStore.open(join(dir, 'db.sqlite'), clock);
    ran = [];
    replies = [];
    logs = [];
    outcomes = [];
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs an allowed command and audits it as accepted', async () => {
    expect(await invoke(dispatcher(), 'change', 'api prod')).toBe('ok');
    expect(ran).toEqual(['change api prod']);
    const [entry] = await store.queryAudit({ limit: 5 });
    expect(entry).toMatchObject({
      actor: 'U0ALICE',
      action: 'command.accepted',
      target: { service: 'api', env: 'prod' },
    });
    expect(outcomes).toEqual([['/change', 'ok']]);
  });

  it('denies by default and says which permission is missing', async () => {
    expect(await invoke(dispatcher(), 'change', 'api prod', 'U0MALLORY')).toBe('denied');
    expect(ran).toEqual([]);
    expect(replies[0]?.message.text).toMatch(/needs role `deployer` for `deploy:api:prod`/);
    expect((await store.queryAudit({ limit: 5 }))[0]?.action).toBe('command.denied');
  });

  it("refuses a mutating command outside the environment's channels", async () => {
    expect(await invoke(dispatcher(), 'change', 'api prod', 'U0ALICE', 'C0RANDOM')).toBe('denied');
    expect(ran).toEqual([]);
    expect(replies[0]?.message.text).toContain('only accepted in <#C0DEPLOYS>');
    expect(await invoke(dispatcher(), 'change', 'api staging', 'U0ALICE', 'C0RANDOM')).toBe('ok');
  });

  it('fails closed: a mutating command does not run when its audit entry cannot be written', async () => {
    await store.close();
    expect(await invoke(dispatcher(), 'change', 'api prod')).toBe('failed');
    expect(ran).toEqual([]);
    expect(replies[0]?.message.text).toMatch(/audit log cannot be written, so nothing was changed/);
  });

  it('lets a read-only command run when the audit log is down, and logs the failure', async () => {
    await store.close();
    expect(await invoke(dispatcher(), 'look', '')).toBe('ok');
    expect(ran).toEqual(['look']);
    expect(logs.some((l) => l.level === 'error' && l.msg === 'audit write failed')).toBe(true);
  });

  it('shows what a backend said as text: no mention, no link, no secret', async () => {
    expect(await invoke(dispatcher(), 'backend', '')).toBe('failed');
    const text = replies[0]?.message.text ?? '';
    expect(text).toContain(
      'GitHub said: &lt;!channel&gt; &lt;@U0BOB&gt; see &lt;https://evil.example|docs&gt; &amp; token=[REDACTED]',
    );
    // A read-only command changed nothing to begin with, so it does not say so.
    expect(text).not.toContain('Nothing was changed');
  });

  it('hides unexpected errors behind a reference that is also in the log', async () => {
    expect(await invoke(dispatcher(), 'boom', '')).toBe('failed');
    const text = replies[0]?.message.text ?? '';
    const ref = /ref `(inv_[A-Za-z0-9_-]+)`/.exec(text)?.[1];
    expect(ref).toBeDefined();
    expect(text).not.toContain('backend exploded');
    expect(logs.some((l) => l.invocationId === ref && l.level === 'error')).toBe(true);
    expect((await store.queryAudit({ limit: 1 }))[0]).toMatchObject({ action: 'command.failed', requestId: ref });
  });

  it("shows a handler's user error as written and audits the refusal", async () => {
    expect(await invoke(dispatcher(), 'refuse', '')).toBe('invalid');
    expect(replies[0]?.message.text).toBe(':warning: replicas must be between 2 and 20');
    expect((await store.queryAudit({ limit: 1 }))[0]?.action).toBe('command.refused');
  });

  it('answers a click on an unknown button without acting', async () => {
    await dispatcher().click({
      actionId: 'opsdeck.nope',
      value: 'x',
      userId: 'U0ALICE',
      channelId: 'C0DEPLOYS',
      messageTs: '1.1',
      reply,
    });
    expect(replies[0]?.message.text).toContain('no longer active');
  });

  it('drains running commands before shutdown', async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const slow = defineCommand({
      ...look,
      family: 'slow',
      async handler() {
        started();
        await new Promise<void>((r) => (release = r));
        ran.push('slow');
      },
    });
    const quietPolicy = new Policy({}, directory);
    const d = new Dispatcher({
      capabilities: capabilitiesOf(store, new Registry([slow]), quietPolicy, clock, recordingLogger(logs)),
      policy: quietPolicy,
      directory,
      changes: noChanges,
      log: recordingLogger(logs),
      metrics: { commandFinished: () => {} },
      actions: [],
    });
    void invoke(d, 'slow', '');
    await running;
    const drained = d.drain(5_000).then(() => ran.includes('slow'));
    release();
    expect(await drained).toBe(true);
  });
});
