import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/sandbox/slack/index.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { exampleConfigText, startHarness, textOf, type Harness } from '../helpers/harness.ts';
import { nextEphemeral } from '../helpers/requests.ts';

interface ButtonElement {
  action_id: string;
  value: string;
  text: { text: string };
  confirm?: unknown;
}

const RUNBOOK = (steps: string) => `---
title: Bad release
services: [api, web]
---
# Bad release

Roll back what shipped last: ${steps}.

Check first: \`/ops status api prod\`, then again \`/ops status api prod\`.
`;

let world: Backends;
let h: Harness;
let dir: string;

async function writeRunbook(steps: string): Promise<void> {
  await writeFile(join(dir, 'bad-release.md'), RUNBOOK(steps));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-runbooks-'));
  await writeRunbook('`/rollback web prod`, `/rollback worker prod` and `/rollback api prod --dry-run`');
  world = await startBackends();
  const config = `${await exampleConfigText()}\nrunbooks: { path: ${JSON.stringify(dir)} }\n`;
  h = await startHarness({ backends: world, configText: config });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
  await rm(dir, { recursive: true, force: true });
});

function buttons(message: StoredMessage): ButtonElement[] {
  return (message.blocks as { type: string; elements?: ButtonElement[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
}

function press(user: string, message: StoredMessage, label: string) {
  const button = buttons(message).find((e) => e.text.text === label);
  if (!button)
    throw new Error(
      `no button ${label} in ${buttons(message)
        .map((e) => e.text.text)
        .join(', ')}`,
    );
  return h.slack.sendBlockAction({
    user,
    channel: message.channel,
    messageTs: message.ts,
    actionId: button.action_id,
    value: button.value,
  });
}

const channelPosts = () => h.slack.messages({ channel: 'C0DEPLOYS' }).filter((m) => !m.ephemeralTo);

describe('runbook Run buttons', () => {
  it('run exactly the step on the clicked label, even with several steps on one line', async () => {
    const shown = await h.run('U0BOB', '/runbook', 'bad release');
    const posted = channelPosts().length;
    const preview = await nextEphemeral(h, 'U0BOB', () => press('U0BOB', shown, '/rollback api prod --dry-run'));
    expect(textOf(preview)).toContain('Dry run');
    expect(textOf(preview)).toContain('Roll back api in prod');
    expect(channelPosts()).toHaveLength(posted);
  });

  it('show each step once, and ask for confirmation only on steps that change something', async () => {
    const shown = await h.run('U0BOB', '/runbook', 'bad release');
    const labels = buttons(shown).filter((b) => b.action_id.startsWith('opsdeck.runbook.run.'));
    expect(labels.map((b) => b.text.text)).toEqual([
      '/rollback web prod',
      '/rollback worker prod',
      '/rollback api prod --dry-run',
      '/ops status api prod',
    ]);
    expect(labels.map((b) => b.confirm !== undefined)).toEqual([true, true, true, false]);
  });

  it('refuse a step that is no longer in the runbook as shown, and audit the refusal', async () => {
    const shown = await h.run('U0BOB', '/runbook', 'bad release');
    await writeRunbook('`/rollback web prod` and `/rollback api prod`');
    await h.run('U0BOB', '/ops', 'runbooks reload');
    const posted = channelPosts().length;
    const refused = await nextEphemeral(h, 'U0BOB', () => press('U0BOB', shown, '/rollback worker prod'));
    expect(refused.text).toContain('no longer in the runbook as shown');
    expect(channelPosts()).toHaveLength(posted);
    const store = h.openStore();
    try {
      const [entry] = await store.queryAudit({ limit: 1, actor: 'U0BOB' });
      expect(entry).toMatchObject({ action: 'click.refused', details: { action: 'opsdeck.runbook.run.1' } });
    } finally {
      await store.close();
    }
  });
});
