import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/sandbox/slack/index.ts';
import { WEEKDAY } from '../helpers/clock.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { exampleConfigText, startHarness, textOf, type Harness } from '../helpers/harness.ts';

/** What outside text may carry to ping people or disguise a link, and how Slack must receive it. */
const HOSTILE = ['<!channel>', '<!here>', '<@U0MALLORY>', '<https://evil.example|docs>'];
const SHOWN = ['&lt;!channel&gt;', '&lt;!here&gt;', '&lt;@U0MALLORY&gt;', '&lt;https://evil.example|docs&gt;'];

/** No hostile sequence reaches Slack as markup; with `shown`, each arrives escaped, to be displayed as typed. */
function expectInert(message: StoredMessage, shown = true): void {
  const sent = textOf(message);
  for (const raw of HOSTILE) expect(sent, `${raw} must not reach Slack as markup`).not.toContain(raw);
  if (shown) for (const escaped of SHOWN) expect(sent).toContain(escaped);
}

const T0 = WEEKDAY.getTime();
let world: Backends;
let h: Harness;
let runbooks: string;

beforeEach(async () => {
  world = await startBackends();
  runbooks = await mkdtemp(join(tmpdir(), 'opsdeck-runbooks-'));
  await writeFile(
    join(runbooks, 'hostile.md'),
    `---\ntitle: Hostile runbook\nowner: "${HOSTILE.join(' ')}"\nservices: [api]\n---\n` +
      'Check `/ops status api prod`.\n',
  );
  const config = `${await exampleConfigText()}\nrunbooks: { path: ${JSON.stringify(runbooks)} }\n`;
  h = await startHarness({ backends: world, configText: config });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
  await rm(runbooks, { recursive: true, force: true });
});

describe('text from outside is shown, never obeyed', () => {
  it('in log lines of a snapshot', async () => {
    world.cloudwatch.put('/ecs/api-prod', 'task/1', [
      { timestamp: T0 - 5_000, message: `ERROR ${HOSTILE.join(' ')} & more` },
    ]);
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/logs',
      text: 'api prod --since 15m',
    });
    const posted = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => !m.ephemeralTo && m.text.includes('from CloudWatch')),
    );
    expectInert(posted);
    expect(textOf(posted)).toContain('&amp; more');
  });

  // Slack turns what people type into its own markup (a typed @here arrives as <!here>); opsdeck reads
  // mentions and links as ids and URLs, so typed text is checked for inertness, not for its escaped form.
  it('in a --grep pattern echoed back', async () => {
    const reply = await h.run('U0ALICE', '/logs', `api prod --since 15m --grep "${HOSTILE.join(' ')}"`);
    expectInert(reply, false);
    expect(textOf(reply)).toContain('&lt;!channel&gt;');
  });

  it("in a runbook's front matter", async () => {
    expectInert(await h.run('U0ALICE', '/runbook', 'hostile runbook'));
  });

  it('in a lock reason and in the audit trail that shows what was typed', async () => {
    const locked = await h.run('U0BOB', '/ops', `lock api staging ${HOSTILE.join(' ')}`);
    expectInert(locked, false);
    const blocked = await h.run('U0ALICE', '/deploy', 'api staging v1.2.0');
    expectInert(blocked, false);
    expect(textOf(blocked)).toContain('&lt;!here&gt;');
    const trail = await h.run('U0BOB', '/ops', 'audit api staging');
    expect(textOf(trail)).not.toContain('<!channel>');
    expect(textOf(trail)).not.toContain('<!here>');
  });
});
