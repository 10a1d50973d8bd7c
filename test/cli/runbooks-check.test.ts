import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type CliResult } from '../helpers/cli.ts';

/** `opsdeck <args>` through bin/opsdeck.js, started from `cwd` as a user in another folder would. */
function opsdeckIn(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    const options = { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 };
    execFile(process.execPath, [join(ROOT, 'bin/opsdeck.js'), ...args], options, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const NOTE =
  'No opsdeck.yaml here and no OPSDECK_CONFIG: checking structure and steps; services and environments are not checked';
const runbook = (front: string, body: string) => `---\ntitle: ${front}\n---\n${body}\n`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-runbooks-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('opsdeck runbooks check without a config', () => {
  it('checks the shipped runbooks in a fresh clone and says services were not checked', async () => {
    const clone = join(dir, 'clone');
    await cp(join(ROOT, 'runbooks'), join(clone, 'runbooks'), { recursive: true });
    const res = await opsdeckIn(clone, ['runbooks', 'check']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')).toEqual([
      `${NOTE} (set OPSDECK_CONFIG to check them against your config).`,
      expect.stringMatching(/^\d+ runbooks OK$/),
      '',
    ]);
  });

  it('still finds steps that do not parse, whatever services they name', async () => {
    const own = join(dir, 'own');
    await mkdir(join(own, 'runbooks'), { recursive: true });
    await writeFile(
      join(own, 'runbooks', 'a.md'),
      runbook('Ours', '`/ops status billing live`\n`/scale billing live many`'),
    );
    const res = await opsdeckIn(own, ['runbooks', 'check']);
    expect(res.code).toBe(2);
    expect(res.stdout).toContain(NOTE);
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^runbooks\/a\.md:5: `\/scale billing live many`: /),
    ]);
  });

  it('fails on an OPSDECK_CONFIG that is not there (given explicitly, it is meant)', async () => {
    const res = await opsdeckIn(join(dir, 'clone'), ['runbooks', 'check'], {
      OPSDECK_CONFIG: join(dir, 'missing.yaml'),
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('missing.yaml: file not found');
  });
});

describe('opsdeck runbooks check with a config elsewhere', () => {
  it('reads runbooks.path next to the config, from any working directory', async () => {
    const team = join(dir, 'team');
    await mkdir(join(team, 'team-runbooks'), { recursive: true });
    await writeFile(join(team, 'team-runbooks', 'a.md'), runbook('Ours', '`/ops status api prod`'));
    await writeFile(
      join(team, 'opsdeck.yaml'),
      'environments: { prod: {} }\nservices: { api: {} }\nroles: {}\nrunbooks: { path: team-runbooks }\n',
    );
    const res = await opsdeckIn(tmpdir(), ['runbooks', 'check'], { OPSDECK_CONFIG: join(team, 'opsdeck.yaml') });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('1 runbook OK\n');
    expect(res.code).toBe(0);
  });
});
