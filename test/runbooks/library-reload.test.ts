import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/adapters/github/index.ts';
import { FsRunbookSource } from '../../src/adapters/runbooks-fs/index.ts';
import { GitHubRunbookSource } from '../../src/adapters/runbooks-github/index.ts';
import { RunbookLibrary } from '../../src/core/runbooks/library.ts';
import type { RunbookEntry, RunbookSource } from '../../src/ports/runbooks.ts';
import { startGitHub } from '../sandbox/github-harness.ts';
import { ManualClock, WEEKDAY } from '../helpers/clock.ts';
import { recordingLogger, registry, runbookText } from './fixtures.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const FILES = {
  'disk.md': runbookText('title: Disk full', 'No space left on device.\n'),
  'latency.md': runbookText('title: High latency', 'Slow responses.\n'),
  'queue.md': runbookText('title: Queue backlog', 'Jobs piling up.\n'),
};

/** The source, recording which files it was asked to read. */
function recordingReads(source: RunbookSource & Required<Pick<RunbookSource, 'entries' | 'read'>>) {
  const reads: string[] = [];
  const wrapped: RunbookSource = {
    describe: () => source.describe(),
    list: () => source.list(),
    entries: () => source.entries(),
    read: (entry: RunbookEntry) => {
      reads.push(entry.path);
      return source.read(entry);
    },
  };
  return { wrapped, reads };
}

const library = (source: RunbookSource, log = recordingLogger()) =>
  new RunbookLibrary(source, {
    families: registry.families(),
    log,
    maxAgeMs: 600_000,
    clock: new ManualClock(WEEKDAY),
  });

const ids = async (lib: RunbookLibrary, query: string) => (await lib.index()).search(query).map((h) => h.runbook.id);

describe('reloading runbooks from a folder', () => {
  it('reads and re-indexes only the file whose modification time or size changed, and drops removed ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-reload-'));
    dirs.push(dir);
    for (const [path, text] of Object.entries(FILES)) await writeFile(join(dir, path), text);
    const { wrapped, reads } = recordingReads(new FsRunbookSource(dir));
    const lib = library(wrapped);
    expect(await lib.reload()).toBe(3);
    expect(reads.sort()).toEqual(['disk.md', 'latency.md', 'queue.md']);

    reads.length = 0;
    await writeFile(join(dir, 'latency.md'), runbookText('title: High latency', 'Timeouts from the gateway.\n'));
    // A fixed, later modification time: the check must not depend on how fast the disk stamps writes.
    await utimes(join(dir, 'latency.md'), new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    await rm(join(dir, 'queue.md'));
    expect(await lib.reload()).toBe(2);
    expect(reads).toEqual(['latency.md']);
    expect(await ids(lib, 'gateway timeouts')).toEqual(['latency']);
    expect(await ids(lib, 'slow responses')).toEqual([]);
    expect(await ids(lib, 'jobs piling')).toEqual([]);

    reads.length = 0;
    expect(await lib.reload()).toBe(2);
    expect(reads).toEqual([]);
  });

  it('drops a runbook that gained a problem, and takes it back once fixed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-reload-'));
    dirs.push(dir);
    for (const [path, text] of Object.entries(FILES)) await writeFile(join(dir, path), text);
    const log = recordingLogger();
    const lib = library(new FsRunbookSource(dir), log);
    await lib.reload();
    await writeFile(join(dir, 'disk.md'), 'no front matter at all');
    expect(await lib.reload()).toBe(2);
    expect(log.entries.some((e) => e.msg === 'runbook skipped')).toBe(true);
    await writeFile(join(dir, 'disk.md'), FILES['disk.md']);
    expect(await lib.reload()).toBe(3);
    expect(await ids(lib, 'no space left')).toEqual(['disk']);
  });
});

describe('reloading many runbooks from a folder', () => {
  // Few changes among many files re-index the changed runbooks alone; many changes rebuild the index.
  it.each([1, 6])('%i of 12 files changed, one removed, one broken: search sees exactly the new set', async (n) => {
    const dir = await mkdtemp(join(tmpdir(), 'opsdeck-reload-'));
    dirs.push(dir);
    const names = 'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima'.split(' ');
    const text = (i: number, words: string) => runbookText(`title: Runbook ${i}`, `${words} ${names[i]}.\n`);
    for (let i = 0; i < 12; i++) await writeFile(join(dir, `r${i}.md`), text(i, 'original'));
    const lib = library(new FsRunbookSource(dir));
    expect(await lib.reload()).toBe(12);
    for (let i = 0; i < n; i++) {
      await writeFile(join(dir, `r${i}.md`), text(i, 'rewritten'));
      await utimes(join(dir, `r${i}.md`), new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    }
    await rm(join(dir, 'r10.md'));
    await writeFile(join(dir, 'r11.md'), 'no front matter at all');
    expect(await lib.reload()).toBe(10);
    const rewritten = Array.from({ length: n }, (_, i) => `r${i}`);
    expect((await ids(lib, 'rewritten')).sort()).toEqual(rewritten.slice(0, 5).sort());
    expect(await ids(lib, 'alpha')).toEqual(['r0']);
    expect(await ids(lib, 'kilo')).toEqual([]);
    expect(await ids(lib, 'lima')).toEqual([]);
    expect((await lib.index()).search('original', 20).length).toBe(10 - n);
  });
});

describe('reloading runbooks from GitHub', () => {
  it('lists the folder and downloads only the files whose blob sha changed', async () => {
    const gh = await startGitHub({ token: 'test-token' });
    gh.seedRepo({ owner: 'acme', name: 'ops', commits: 1 });
    gh.writeFiles('acme/ops', Object.fromEntries(Object.entries(FILES).map(([p, t]) => [`runbooks/${p}`, t])));
    const log = recordingLogger();
    const octokit = createOctokit({ baseUrl: gh.url, token: 'test-token', log, retryAfterBaseValue: 1 });
    const lib = library(
      new GitHubRunbookSource(octokit, 'acme/ops/runbooks@main', { log, clock: new ManualClock(WEEKDAY) }),
    );
    const fileReads = () => gh.requests.filter((r) => /\/contents\/runbooks%2F.+\.md/.test(r.path)).length;
    const listings = () => gh.requests.filter((r) => /\/contents\/runbooks(\?|$)/.test(r.path)).length;

    expect(await lib.reload()).toBe(3);
    expect({ reads: fileReads(), listings: listings() }).toEqual({ reads: 3, listings: 1 });

    gh.writeFiles('acme/ops', { 'runbooks/latency.md': runbookText('title: High latency', 'Gateway timeouts.\n') });
    expect(await lib.reload()).toBe(3);
    expect({ reads: fileReads(), listings: listings() }).toEqual({ reads: 4, listings: 2 });
    expect(await ids(lib, 'gateway timeouts')).toEqual(['latency']);

    expect(await lib.reload()).toBe(3);
    expect({ reads: fileReads(), listings: listings() }).toEqual({ reads: 4, listings: 3 });
  });

  it('keeps serving the runbooks loaded earlier when GitHub fails', async () => {
    const gh = await startGitHub({ token: 'test-token' });
    gh.seedRepo({ owner: 'acme', name: 'ops', commits: 1 });
    gh.writeFiles('acme/ops', { 'runbooks/disk.md': FILES['disk.md'] });
    const log = recordingLogger();
    const octokit = createOctokit({ baseUrl: gh.url, token: 'test-token', log, retryAfterBaseValue: 1 });
    const lib = library(
      new GitHubRunbookSource(octokit, 'acme/ops/runbooks@main', { log, clock: new ManualClock(WEEKDAY) }),
      log,
    );
    expect(await lib.reload()).toBe(1);
    gh.injectFailure({ pathPattern: /\/contents/, kind: '502', times: Infinity });
    expect(await lib.reload()).toBe(1);
    expect(log.entries.some((e) => e.level === 'warn' && e.msg?.includes('serving the ones loaded earlier'))).toBe(
      true,
    );
  });
});
