import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsdeck } from '../../src/compose.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { readSettings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../helpers/harness.ts';

const TEAM = `
environments:
  prod: {}
services:
  api: { github: { repo: acme/api } }
roles:
  reader: { members: [U0ALICE], allow: [runbook] }
`;

const RUNBOOK = `---
title: Only next to the config
services: [api]
---
1. \`/runbook api\`
`;

// The tests run from the repository root, which has its own runbooks/ folder: a path resolved
// against the working directory finds those, or nothing, instead of the ones next to the config.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-paths-'));
  for (const folder of ['runbooks', 'team-runbooks', 'nested/deeper'])
    await mkdir(join(dir, folder), { recursive: true });
  await writeFile(join(dir, 'team-runbooks', 'only-here.md'), RUNBOOK);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('paths in the config file', () => {
  it.each<[string, string, string, string]>([
    ['a relative runbooks.path', 'opsdeck.yaml', `${TEAM}runbooks: { path: team-runbooks }\n`, 'team-runbooks'],
    [
      'a ./ path from a config in a subfolder',
      'nested/opsdeck.yaml',
      `${TEAM}runbooks: { path: ./deeper }\n`,
      'nested/deeper',
    ],
    ['a path that climbs out', 'nested/opsdeck.yaml', `${TEAM}runbooks: { path: ../team-runbooks }\n`, 'team-runbooks'],
    ['the default folder', 'default.yaml', TEAM, 'runbooks'],
  ])('resolve against the config file, not the working directory: %s', async (_label, file, text, expected) => {
    await writeFile(join(dir, file), text);
    const config = await loadConfigFile(join(dir, file));
    expect(config.runbooks?.path).toBe(join(dir, expected));
  });

  it('keeps an absolute path as it is', async () => {
    await writeFile(join(dir, 'absolute.yaml'), `${TEAM}runbooks: { path: /srv/runbooks, refresh: 5m }\n`);
    expect((await loadConfigFile(join(dir, 'absolute.yaml'))).runbooks).toEqual({
      path: '/srv/runbooks',
      refresh: '5m',
    });
  });
});

describe('/runbook with a config in another folder', () => {
  it('lists the runbooks next to the config, through a signed slash command', async () => {
    await writeFile(join(dir, 'team.yaml'), `${TEAM}runbooks: { path: team-runbooks }\n`);
    const slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
    const settings = readSettings({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      OPSDECK_DATA_DIR: join(dir, 'data'),
      PORT: '0',
    });
    const bot = await startOpsdeck({
      config: await loadConfigFile(join(dir, 'team.yaml')),
      settings,
      log: createLogger('silent'),
    });
    try {
      slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
      const res = await slack.sendSlashCommand({
        user: 'U0ALICE',
        channel: 'C0DEPLOYS',
        command: '/runbook',
        text: '',
      });
      expect(res.status).toBe(200);
      const reply = await slack.waitFor(() =>
        slack.messages({ visibleTo: 'U0ALICE' }).find((m) => m.source === 'response_url'),
      );
      const text = `${reply.text}\n${JSON.stringify(reply.blocks)}`;
      expect(text).toContain('Only next to the config');
      expect(text).not.toMatch(/Something went wrong|High 5xx/);
    } finally {
      await bot.stop();
      await slack.close();
    }
  });
});
