import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { parseConfig } from '../src/config/load.ts';
import { Registry } from '../src/core/registry.ts';
import { appManifest } from '../src/slack/manifest.ts';
import { opsdeck } from './helpers/cli.ts';

const text = await readFile(new URL('../manifest.yml', import.meta.url), 'utf8');
const manifest = parse(text) as {
  features: {
    slash_commands: { command: string; url?: string; should_escape?: boolean }[];
    shortcuts: { callback_id: string; type: string }[];
    app_home: { home_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url?: string };
    event_subscriptions: { bot_events: string[] };
  };
};
const families = new Registry(commands).families();

describe('manifest.yml', () => {
  const declared = manifest.features.slash_commands.map((c) => c.command).sort();
  const registered = families.map((f) => `/${f}`).sort();

  it('is exactly what `opsdeck manifest` prints for the example config', async () => {
    const example = parseConfig(await readFile(new URL('../opsdeck.example.yaml', import.meta.url), 'utf8'));
    expect(text).toBe(appManifest(families, example.slack?.commands));
    const printed = await opsdeck(['manifest', '--config', 'opsdeck.example.yaml']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(text);
  });

  it('declares every registered command family and none opsdeck does not handle', () => {
    expect(declared).toEqual(registered);
  });

  it('escapes mentions so commands receive user ids, and posts to the events endpoint', () => {
    for (const c of manifest.features.slash_commands) {
      expect(c.should_escape).toBe(true);
      expect(c.url).toMatch(/\/slack\/events$/);
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
  });

  it('declares the App Home tab, its event and both shortcuts', () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(manifest.features.shortcuts.map((s) => `${s.type}:${s.callback_id}`)).toEqual([
      'global:opsdeck.shortcut.deploy',
      'message:opsdeck.shortcut.runbook',
    ]);
  });

  it('asks only for the scopes opsdeck uses', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual([
      'chat:write',
      'commands',
      'files:write',
      'usergroups:read',
    ]);
  });
});

describe('opsdeck manifest', () => {
  it.each([
    [{ prefix: 'ops-' }, ['/ops-deploy', '/ops-rollback', '/ops-scale', '/ops-logs', '/ops-runbook', '/ops-ops']],
    [
      { prefix: 'ops-', names: { ops: 'opsdeck' } },
      ['/ops-deploy', '/ops-rollback', '/ops-scale', '/ops-logs', '/ops-runbook', '/opsdeck'],
    ],
    [{ names: { deploy: '/ship' } }, ['/ship', '/rollback', '/scale', '/logs', '/runbook', '/ops']],
  ])('names the commands as configured: %j', (naming, expected) => {
    const printed = parse(appManifest(families, naming, 'https://ops.acme.dev')) as typeof manifest;
    expect(printed.features.slash_commands.map((c) => c.command)).toEqual(expected);
    expect(printed.features.slash_commands.every((c) => c.url === 'https://ops.acme.dev/slack/events')).toBe(true);
  });

  it.each([
    [{ names: { deploi: 'ship' } }, 'slack.commands.names.deploi: no command family deploi'],
    [{ names: { deploy: 'logs' } }, 'two commands would be named /logs'],
  ])('refuses %j, naming the problem', (naming, message) => {
    expect(() => appManifest(families, naming)).toThrow(message);
  });

  it('refuses a URL Slack could not use', async () => {
    const printed = await opsdeck(['manifest', '--config', 'opsdeck.example.yaml', '--url', 'http://plain']);
    expect(printed.code).toBe(2);
    expect(printed.stderr).toContain('--url must be the https:// address');
  });
});
