import { describe, expect, it } from 'vitest';
import { startThreadIndexBuild } from '../../src/adapters/runbook-index-thread/index.ts';
import type { StartIndexBuild, TextIndexBuilder } from '../../src/core/runbooks/index-builder.ts';
import { RunbookLibrary } from '../../src/core/runbooks/library.ts';
import { analyse, FIELDS, fieldTexts } from '../../src/core/runbooks/runbook-fields.ts';
import { RunbookIndex } from '../../src/core/runbooks/search.ts';
import { TextIndex } from '../../src/core/runbooks/text-index.ts';
import type { RunbookEntry, RunbookSource } from '../../src/ports/runbooks.ts';
import { ManualClock, WEEKDAY } from '../helpers/clock.ts';
import { recordingLogger, registry, runbookText } from './fixtures.ts';
import { shippedRunbooks } from './shipped.ts';

const QUERIES = ['5xx', 'crashlop', 'too many connections', 'certifcate', 'disk 17', 'queue backlog 1042'];
const ranked = (index: RunbookIndex, query: string) =>
  index.search(query, 20).map((h) => [h.runbook.id, h.score.toFixed(6)]);

// Runbooks enough that the library indexes them elsewhere (it does from 1,000).
const TOPICS = ['Disk full', 'Queue backlog', 'High latency', 'Certificate expiry'];
const files = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    path: `team-${i % 7}/runbook-${i}.md`,
    version: '1',
    text: runbookText(
      `title: ${TOPICS[i % TOPICS.length]} ${i}\nservices: [svc-${i % 13}]\ntags: [t${i % 5}]`,
      `# Steps\n\nCheck item ${i} of ${TOPICS[(i * 7) % TOPICS.length]}; then disk ${i % 50} and queue ${i % 31}.\n`,
    ),
  }));

/** A source with `entries` and `read`, whose reads from the `failFrom`th file on fail. */
function source(count: number, failFrom = Infinity): RunbookSource {
  const all = files(count);
  const byPath = new Map(all.map((f) => [f.path, f]));
  return {
    describe: () => 'runbooks/',
    list: async () => all,
    entries: async () => all.map(({ path, version }) => ({ path, version })),
    read: async (entry: RunbookEntry) => {
      const file = byPath.get(entry.path)!;
      if (all.indexOf(file) >= failFrom) throw new Error(`EACCES: permission denied, open '${entry.path}'`);
      return file;
    },
  };
}

/** The thread build, recording what it was given and whether it was cancelled. */
function recorded(start: StartIndexBuild = startThreadIndexBuild) {
  const seen = { started: 0, added: 0, cancelled: 0 };
  const indexElsewhere: StartIndexBuild = async (expected) => {
    seen.started += 1;
    const builder = await start(expected);
    return {
      add: (texts) => {
        seen.added += 1;
        builder.add(texts);
      },
      finish: () => builder.finish(),
      cancel: () => {
        seen.cancelled += 1;
        builder.cancel();
      },
    } satisfies TextIndexBuilder;
  };
  return { seen, indexElsewhere };
}

const library = (from: RunbookSource, indexElsewhere?: StartIndexBuild, log = recordingLogger()) =>
  new RunbookLibrary(from, {
    families: registry.families(),
    log,
    maxAgeMs: 600_000,
    clock: new ManualClock(WEEKDAY),
    ...(indexElsewhere ? { indexElsewhere } : {}),
  });

describe('the runbook index thread', () => {
  it('builds the index this thread would, and hands it over', async () => {
    const { runbooks } = await shippedRunbooks();
    const builder = await startThreadIndexBuild(runbooks.length);
    for (const runbook of runbooks) builder.add(fieldTexts(runbook));
    const there = new RunbookIndex(runbooks, await builder.finish());
    const here = new RunbookIndex(runbooks, TextIndex.build(FIELDS.length, analyse, runbooks.map(fieldTexts)));
    for (const query of QUERIES) expect(ranked(there, query)).toEqual(ranked(here, query));
    expect(there.size).toBe(runbooks.length);
  });

  it('shares the runbooks with the thread and hands over the index this thread would build', async () => {
    const runbooks = (await library(source(1_200)).index()).all();
    const builder = await startThreadIndexBuild(runbooks.length);
    // Half while the thread is given every batch, then a pause for it to index some, then the rest, which
    // this thread shares with it once `finish` is called. Which side takes which batch depends on the
    // machine; the index must not (text-index.test.ts lays out parts shared in fixed turns).
    for (const runbook of runbooks.slice(0, 600)) builder.add(fieldTexts(runbook));
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const runbook of runbooks.slice(600)) builder.add(fieldTexts(runbook));
    const shared = new RunbookIndex(runbooks, await builder.finish());
    const here = new RunbookIndex(runbooks, TextIndex.build(FIELDS.length, analyse, runbooks.map(fieldTexts)));
    for (const query of QUERIES) expect(ranked(shared, query)).toEqual(ranked(here, query));
    expect(shared.size).toBe(1_200);
  });

  it('rejects its finish when a batch cannot be indexed, whichever thread took it', async () => {
    const builder = await startThreadIndexBuild(1);
    builder.add(null as unknown as string[]);
    await expect(builder.finish()).rejects.toThrow();
  });

  it('ends at once when cancelled: a finish after it rejects, naming the stopped thread', async () => {
    const builder = await startThreadIndexBuild(1);
    builder.cancel();
    await expect(builder.finish()).rejects.toThrow(/runbook index thread stopped/);
  });
});

describe('RunbookLibrary indexing elsewhere', () => {
  it('indexes a large first load on the thread and serves what a build here serves', async () => {
    const { seen, indexElsewhere } = recorded();
    const log = recordingLogger();
    const there = await library(source(1_200), indexElsewhere, log).index();
    const here = await library(source(1_200)).index();
    expect(seen).toEqual({ started: 1, added: 1_200, cancelled: 0 });
    expect(log.entries.filter((e) => e.level === 'warn')).toEqual([]);
    expect(there.size).toBe(1_200);
    for (const query of QUERIES) expect(ranked(there, query)).toEqual(ranked(here, query));
  });

  it('indexes a small library here, without a thread', async () => {
    const { seen, indexElsewhere } = recorded();
    expect((await library(source(999), indexElsewhere).index()).size).toBe(999);
    expect(seen.started).toBe(0);
  });

  it.each<[string, StartIndexBuild]>([
    [
      'fails',
      async () => ({
        add: () => undefined,
        finish: () => Promise.reject(new Error('the runbook index thread stopped (exit code 1)')),
        cancel: () => undefined,
      }),
    ],
    ['cannot be started', () => Promise.reject(new Error('ERR_WORKER_INIT_FAILED'))],
  ])('indexes here, with a warning, when the thread %s, and serves every runbook', async (_label, failing) => {
    const log = recordingLogger();
    const index = await library(source(1_200), failing, log).index();
    expect(index.size).toBe(1_200);
    expect(ranked(index, 'disk 17')).toEqual(ranked(await library(source(1_200)).index(), 'disk 17'));
    expect(log.entries.filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual([
      'runbooks could not be indexed on another thread; indexing them here',
    ]);
  });

  it.each([
    ['the first file', 0, 0],
    ['a file after the first few hundred were parsed and handed over', 700, 500],
  ])('ends the thread when %s cannot be read, and fails the load with that error', async (_label, from, added) => {
    const { seen, indexElsewhere } = recorded();
    await expect(library(source(1_200, from), indexElsewhere).index()).rejects.toThrow(
      `EACCES: permission denied, open 'team-${from % 7}/runbook-${from}.md'`,
    );
    expect(seen).toEqual({ started: 1, added, cancelled: 1 });
  });

  it('loads a list-only source the same way', async () => {
    const { seen, indexElsewhere } = recorded();
    const all = files(1_000);
    const listOnly: RunbookSource = { describe: () => 'runbooks/', list: async () => all };
    const log = recordingLogger();
    const index = await library(listOnly, indexElsewhere, log).index();
    expect(log.entries.filter((e) => e.level === 'warn')).toEqual([]);
    expect(index.size).toBe(1_000);
    expect(seen.added).toBe(1_000);
    expect(index.get('team-3/runbook-10')?.title).toBe('High latency 10');
  });
});
