import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startThreadIndexBuild } from '../src/adapters/runbook-index-thread/index.ts';
import { FsRunbookSource } from '../src/adapters/runbooks-fs/index.ts';
import { RunbookLibrary } from '../src/core/runbooks/library.ts';
import { RunbookIndex } from '../src/core/runbooks/search.ts';
import { systemClock } from '../src/ports/clock.ts';
import type { Logger } from '../src/ports/logger.ts';
import { writeRunbookCorpus } from './runbook-corpus.ts';
import { fmt, percentile, ratio } from './stats.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  // Typed arrays keep their contents outside the JS heap: counted too.
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 1e6;
};
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

// What an on-call types (from the search quality table), typos included.
const QUERIES = [
  '5xx',
  'bad gateway',
  'latncy',
  'slow responses',
  'crashlop',
  'OOMKilled',
  'pod restarting',
  'rollout stuck',
  'deploy failed',
  'too many connections',
  'idle in transaction',
  'pgbouncer',
  'worker backlog',
  'dead letter queue',
  'certifcate',
  'tls expired',
  'no space left on device',
  'DiskPressure',
  'evicted',
  'api down',
];

/**
 * Search over `count` runbooks (the shipped eight, varied; see runbook-corpus.ts) in a temp folder: building
 * the index cold, the memory the loaded library keeps, query latency, a reload after one file changed, and
 * `grep -ril` for the same words over the same files as the baseline, measured in the same run.
 */
export async function runbookSearch(count = 10_000, rounds = 50): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-bench-runbooks-'));
  try {
    const paths = await writeRunbookCorpus(dir, count);
    // The files just written are flushed first, so the kernel's write-back does not run during the build.
    spawnSync('sync');
    const source = new FsRunbookSource(dir);
    const library = new RunbookLibrary(source, {
      families: ['ops', 'runbook', 'logs', 'deploy', 'rollback', 'scale'],
      log: silent,
      maxAgeMs: 3_600_000,
      clock: systemClock,
      indexElsewhere: startThreadIndexBuild,
    });
    // The parsers load with the first runbooks; from source, through tsx, that is a compile the built bot
    // does not do, so they are loaded before the clock starts.
    await import('../src/core/runbooks/parse.ts');
    const heapBefore = heapMb();
    const [wall0, cpu0] = [performance.now(), cpuMs()];
    const index = await library.index();
    const [buildWall, buildCpu] = [performance.now() - wall0, cpuMs() - cpu0];
    const memory = heapMb() - heapBefore;

    // The first query runs the scoring loop before V8 has compiled it: reported on its own, then every
    // query is run once more so the measured rounds show the steady state an on-call sees.
    const coldStart = performance.now();
    index.search(QUERIES[0]!);
    const coldMs = performance.now() - coldStart;
    for (const query of QUERIES) index.search(query);
    const times: number[] = [];
    const byQuery = new Map<string, number[]>(QUERIES.map((q) => [q, []]));
    for (let round = 0; round < rounds; round++) {
      for (const query of QUERIES) {
        const start = performance.now();
        index.search(query);
        const ms = performance.now() - start;
        times.push(ms);
        byQuery.get(query)!.push(ms);
      }
    }
    // Which words make the tail: common ones, whose runbooks must all be scored.
    const slowest = [...byQuery]
      .map(([query, ms]) => ({ query, p50: percentile(ms, 50) }))
      .sort((a, b) => b.p50 - a.p50)
      .slice(0, 3);
    const grepMs = QUERIES.slice(0, 5).map((query) => {
      const words = query.split(' ').flatMap((w) => ['-e', w]);
      const start = performance.now();
      spawnSync('grep', ['-ril', ...words, dir], { stdio: 'ignore' });
      return performance.now() - start;
    });
    const grep = percentile(grepMs, 50);

    // The index on its own: built again from the parsed runbooks, which are already in memory.
    const unique = index.all();
    const indexHeapBefore = heapMb();
    const indexStart = cpuMs();
    const again = new RunbookIndex(unique);
    const indexCpu = cpuMs() - indexStart;
    const indexMemory = heapMb() - indexHeapBefore;

    const changed = paths[Math.floor(paths.length / 2)]!;
    await writeFile(join(dir, changed), `---\ntitle: Changed for the bench\n---\nThe gateway times out.\n`);
    const reloadStart = performance.now();
    await library.reload();
    const reloadMs = performance.now() - reloadStart;

    const [p50, p99] = [percentile(times, 50), percentile(times, 99)];
    return [
      `runbook search: ${count} runbooks (the shipped eight, varied), ${QUERIES.length} queries x ${rounds}`,
      `  index build (list, read, parse, index) ${fmt(buildWall)} wall, ${fmt(buildCpu)} CPU  (target < 2000 ms)`,
      `  indexing alone (the parsed runbooks) ${fmt(indexCpu)} CPU`,
      `  library memory (runbooks with their text + index) ${memory.toFixed(0)} MB, ` +
        `of which the index ${indexMemory.toFixed(0)} MB  (target < 100 MB)`,
      `  query p50 ${fmt(p50)}  p99 ${fmt(p99)}  max ${fmt(Math.max(...times))}  (target p99 < 5 ms); ` +
        `first query after the build ${fmt(coldMs)}`,
      `  slowest words (p50): ${slowest.map((s) => `"${s.query}" ${fmt(s.p50)}`).join(', ')} (of ${again.size})`,
      `  grep -ril, same words, same files: median ${fmt(grep)} over ${grepMs.length} queries`,
      `  ratio grep / opsdeck p50 ${ratio(grep, p50)}  p99 ${ratio(grep, p99)}  (target p99 >= 50x)`,
      `  reload after one file changed ${fmt(reloadMs)} (lists ${count} files, reads and re-indexes one)`,
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
