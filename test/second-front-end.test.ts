import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeKinds, commands } from '../commands/index.ts';
import { SqliteStore } from '../src/adapters/store-sqlite/sqlite-store.ts';
import { parseConfig } from '../src/config/load.ts';
import { ACTION_APPROVE } from '../src/core/changes/request-view.ts';
import { Dispatcher } from '../src/core/dispatch.ts';
import type { Block, Message } from '../src/core/message.ts';
import { Policy } from '../src/core/policy.ts';
import { Registry } from '../src/core/registry.ts';
import type { Inline, Text } from '../src/core/text.ts';
import type { Backends } from '../src/ports/backends.ts';
import type { Chat, Replier } from '../src/ports/chat.ts';
import type { Logger } from '../src/ports/logger.ts';
import { changeMachinery } from './helpers/change-machinery.ts';
import { ManualClock, WEEKDAY } from './helpers/clock.ts';

/**
 * A second chat front end, as small as one can be: a renderer to Markdown (what Mattermost or Teams take)
 * and a receiver that hands the dispatcher what people typed. It runs the real commands, change flow and
 * approvals, and none of what they say needs Slack to be understood.
 */
function markdown(text: Text): string {
  return typeof text === 'string' ? escaped(text) : text.map(inline).join('');
}

// Markdown reads brackets as links and angle brackets as HTML or autolinks.
const escaped = (text: string) => text.replace(/[\\[\]<>]/g, '\\$&');

function inline(part: Inline): string {
  if (typeof part === 'string') return escaped(part);
  if ('mention' in part) return `@${part.mention}`;
  if ('channel' in part) return `~${part.channel}`;
  if ('group' in part) return `@${part.group}`;
  if ('link' in part) return `[${part.label === undefined ? part.link : markdown(part.label)}](${part.link})`;
  if ('code' in part) return `\`${markdown(part.code).replace(/`/g, "'")}\``;
  if ('bold' in part) return `**${markdown(part.bold)}**`;
  if ('emoji' in part) return `:${part.emoji}:`;
  throw new Error(`markup from another chat reached a new message: ${part.markup}`);
}

function block(b: Block): string {
  switch (b.type) {
    case 'header':
      return `### ${markdown(b.text)}`;
    case 'text':
      return markdown(b.text);
    case 'fields':
      return b.fields.map(markdown).join('\n\n');
    case 'context':
      return `_${markdown(b.text)}_`;
    case 'code':
      return `\`\`\`\n${b.text}\n\`\`\``;
    case 'markdown':
      return b.text;
    case 'divider':
      return '---';
    case 'actions':
      return b.buttons.map((button) => `[${markdown(button.label)}]`).join(' ');
  }
}

const render = (message: Message): string =>
  (message.blocks ?? [{ type: 'text', text: message.text }]).map(block).join('\n\n');

/** What Slack would make of text, if any of it were Slack's: mentions, channels, broadcasts, links, entities. */
const SLACK_SYNTAX = /(?<!\\)<([@#!]|(https?|mailto):|[^<>\s]*\|)|&(lt|gt|amp);/;

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

const backends: Backends = {
  deployer: () => ({
    current: async () => ({ ref: 'v1.1.0', sha: 'def5678', description: 'ghcr.io/acme/api:v1.1.0' }),
    deploy: async (input, progress) => {
      await progress(`rolling out ${input.ref}: 1 of 3 pods ready`);
      return { ok: true, summary: `Rolled out ${input.ref}.`, url: 'https://ci.example/runs/1' };
    },
    planRollback: async () => ({ from: 'v1.1.0', to: 'v1.0.0', params: {} }),
    rollback: async () => ({ ok: true, summary: 'Rolled back.' }),
  }),
  scaler: () => ({
    status: async () => ({ replicas: 3, ready: 3, autoscaler: { name: 'api', min: 2, max: 10 } }),
    scale: async (_target, replicas) => ({ ok: true, summary: `Scaled to ${replicas}.` }),
  }),
  sourceControl: {
    resolveRef: async () => ({ sha: 'abc1234abc1234', url: 'https://github.example/acme/api/commit/abc1234' }),
    refKind: async () => 'tag',
    compare: async () => ({
      aheadBy: 2,
      behindBy: 0,
      url: 'https://github.example/acme/api/compare/a...b',
      commits: [],
    }),
  },
};

describe('a second chat front end needs a receiver and a renderer only', () => {
  let dir: string;
  let store: SqliteStore;
  const shown: string[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsdeck-second-'));
    shown.length = 0;
  });
  afterEach(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows every command, request, approval and outcome in its own syntax', async () => {
    const config = parseConfig(await readFile(new URL('../opsdeck.example.yaml', import.meta.url), 'utf8'));
    const clock = new ManualClock(WEEKDAY);
    store = SqliteStore.open(join(dir, 'db'), clock);
    const groups: Record<string, string[]> = { eng: ['U0ALICE'], 'sre-oncall': [] };
    const directory = {
      groupMembers: async (handle: string) => new Set(groups[handle] ?? []),
      groupId: async (handle: string) => (handle === 'sre-oncall' ? 'S0SRE' : undefined),
    };
    const policy = new Policy(config.roles, directory);
    let ts = 0;
    const chat: Chat = {
      post: async (_channel, message) => {
        shown.push(render(message));
        return { ts: String(++ts) };
      },
      update: async (_channel, _ts, message) => void shown.push(render(message)),
      upload: async (_channel, file) => void shown.push(markdown(file.comment)),
    };
    const machinery = changeMachinery({
      store,
      chat,
      clock,
      catalog: config,
      kinds: changeKinds,
      log: silent,
      backends,
    });
    const dispatcher = new Dispatcher({
      capabilities: {
        catalog: config,
        clock,
        permissions: policy,
        directory,
        commands: new Registry(commands),
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
        audit: machinery.audit,
      },
      policy,
      directory,
      changes: machinery.flow,
      actions: machinery.approvals.actions(),
      log: silent,
      metrics: { commandFinished() {} },
    });
    const reply: Replier = {
      ephemeral: async (message) => void shown.push(render(message)),
      inChannel: async (message) => void shown.push(render(message)),
    };
    // The receiver: what a person typed, as text, from whichever channel it came.
    const type = (userId: string, line: string, channelId = 'C0DEPLOYS') => {
      const [, family = '', text = ''] = /^\/(\S+)\s*(.*)$/.exec(line) ?? [];
      return dispatcher.dispatch({ family, text, userId, channelId, reply });
    };

    await type('U0BOB', '/ops help');
    await type('U0BOB', '/ops whoami');
    await type('U0BOB', '/ops lock api staging db migration');
    await type('U0BOB', '/ops locks');
    await type('U0ALICE', '/deploy api staging v1.2.0');
    await type('U0ALICE', '/deploy api prod v1.2.0 --reason "fix checkout timeouts"', 'C0RANDOM');
    await type('U0ALICE', '/deploy api prod v1.2.0 --reason "fix checkout timeouts" --dry-run');
    await type('U0ALICE', '/deploy api prod v1.2.0 --reason "fix checkout timeouts"');
    const [request] = await store.listRequests({ states: ['pending'] });
    await dispatcher.click({
      actionId: ACTION_APPROVE,
      value: request!.id,
      userId: 'U0BOB',
      channelId: 'C0DEPLOYS',
      messageTs: '1',
      reply,
    });
    await type('U0BOB', '/scale api staging 5 --reason "load test"');
    await type('U0BOB', '/ops status api');
    await type('U0BOB', '/ops audit');
    await type('U0ALICE', '/deploy api');

    expect(shown.length).toBeGreaterThan(15);
    for (const text of shown) expect(text).not.toMatch(SLACK_SYNTAX);
    const all = shown.join('\n\n');
    expect(all).toContain('@U0ALICE wants to deploy `v1.2.0` (`abc1234`) to **prod**.');
    expect(all).toContain('**Ref**\n`v1.2.0` → [`abc1234`](https://github.example/acme/api/commit/abc1234)');
    expect(all).toContain('changes to `prod` are only accepted in ~C0DEPLOYS');
    expect(all).toContain(':lock: `api/staging` is locked by @U0BOB since');
    expect(all).toContain(':white_check_mark: Rolled out v1.2.0. ([details](https://ci.example/runs/1))');
    expect(all).toContain('Usage: `/deploy \\<service\\> \\<env\\> \\[ref\\]');
  });
});
