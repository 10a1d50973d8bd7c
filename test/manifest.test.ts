import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { commands } from '../commands/index.ts';
import { Registry } from '../src/core/registry.ts';

const manifest = parse(await readFile(new URL('../manifest.yml', import.meta.url), 'utf8')) as {
  features: { slash_commands: { command: string; url?: string; should_escape?: boolean }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url?: string } };
};

describe('manifest.yml', () => {
  const declared = manifest.features.slash_commands.map((c) => c.command).sort();
  const registered = new Registry(commands)
    .families()
    .map((f) => `/${f}`)
    .sort();

  it('declares every registered command family', () => {
    expect(registered.filter((c) => !declared.includes(c))).toEqual([]);
  });

  it('declares no command opsdeck does not handle', () => {
    expect(declared.filter((c) => !registered.includes(c))).toEqual([]);
  });

  it('escapes mentions so commands receive user ids, and posts to the events endpoint', () => {
    for (const c of manifest.features.slash_commands) {
      expect(c.should_escape).toBe(true);
      expect(c.url).toMatch(/\/slack\/events$/);
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
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
