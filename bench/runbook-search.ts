import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RunbookIndex } from '../src/core/runbooks/search.ts';
import { productionMemoryEnv, productionNodeFlags } from './compiled-bot.ts';
import { bundleRunbookBuild, timeBuildInProcess } from './built-runbook-build.ts';
import { benchLibrary } from './runbook-build.ts';
import { writeRunbookCorpus } from './runbook-corpus.ts';
import { cpuMs, fmt, percentile, ratio } from './stats.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  // Typed arrays keep their contents outside the JS heap: counted too.
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 1e6;
};
// Fresh processes timed per build: the median and the spread of three.
const BUILDS = 3;

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
    // Each build in a process of its own, as the bot's first load is: without and with the image's V8 flags and
    // allocator setting, taking turns so both meet the machine alike.
    const flags = await productionNodeFlags();
    const imageEnv = await productionMemoryEnv();
    const entry = await bundleRunbookBuild();
    const plain: Array<{ wall: number; cpu: number }> = [];
    const asImage: typeof plain = [];
    for (let build = 0; build < BUILDS; build++) {
      plain.push(timeBuildInProcess(entry, dir, []));
      asImage.push(timeBuildInProcess(entry, dir, flags, imageEnv));
    }
    for (const runs of [plain, asImage]) runs.sort((a, b) => a.wall - b.wall);
    const median = (runs: typeof plain) => runs[Math.floor(runs.length / 2)]!;
    const range = (runs: typeof plain) => `[${runs.map((r) => r.wall.toFixed(0)).join(', ')} ms]`;

    const library = benchLibrary(dir);
    await import('../src/core/runbooks/parse.ts');
    const heapBefore = heapMb();
    const index = await library.index();
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
      `  index build (list, read, parse, index; bundled, as the image runs it), median of ${BUILDS} fresh processes: ` +
        `${fmt(median(plain).wall)} wall, ${fmt(median(plain).cpu)} CPU ${range(plain)}  (target < 2000 ms)`,
      `    with the image's V8 flags (${flags.join(' ')}) and MALLOC_ARENA_MAX=${imageEnv.MALLOC_ARENA_MAX}: ` +
        `${fmt(median(asImage).wall)} wall, ${fmt(median(asImage).cpu)} CPU ${range(asImage)}`,
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
