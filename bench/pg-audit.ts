import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../src/adapters/store-postgres/postgres-store.ts';
import { verifyChain } from '../src/core/audit-chain.ts';
import { systemClock } from '../src/ports/clock.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PG_URL = process.env.OPSDECK_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Writer {
  child: ChildProcess;
  lines: string[];
  next(): Promise<string>;
}

function startWriter(url: string, name: string, count: number): Writer {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/pg-audit-writer.ts'), url, name, String(count)],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + String(chunk)).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  return {
    child,
    lines,
    next: () => {
      const line = lines.shift();
      return line !== undefined ? Promise.resolve(line) : new Promise((done) => waiting.push(done));
    },
  };
}

/** `writers` processes append `perWriter` entries each, all at once; returns entries per second overall. */
async function round(url: string, writers: number, perWriter: number): Promise<number> {
  const all = Array.from({ length: writers }, (_, i) => startWriter(url, `w${i}`, perWriter));
  await Promise.all(all.map(async (w) => void (await w.next())));
  const started = performance.now();
  for (const w of all) w.child.stdin!.write('go\n');
  await Promise.all(all.map((w) => w.next()));
  const elapsed = performance.now() - started;
  return (writers * perWriter) / (elapsed / 1000);
}

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Hash-chained audit appends on PostgreSQL: one writer against three replicas appending at once, one run. */
export async function pgAudit(perWriter = 300): Promise<string[]> {
  const schema = `opsdeck_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  try {
    await sql('SELECT 1');
  } catch {
    return [`PostgreSQL audit append: skipped, nothing answers at ${PG_URL} (OPSDECK_BENCH_DATABASE_URL)`];
  }
  try {
    // Created and migrated once, so the writers measure appends only.
    await (await PostgresStore.open(url.toString(), systemClock)).close();
    const one: number[] = [];
    const three: number[] = [];
    for (let r = 0; r < 2; r++) {
      one.push(await round(url.toString(), 1, perWriter));
      three.push(await round(url.toString(), 3, perWriter));
    }
    const store = await PostgresStore.open(url.toString(), systemClock);
    const verified = await verifyChain(store.readAudit());
    await store.close();
    const best = (xs: number[]) => Math.max(...xs);
    return [
      `PostgreSQL audit append (${perWriter} entries per writer, each writer its own process, appends one by one)`,
      `  1 writer             ${best(one).toFixed(0)} entries/s`,
      `  3 writers at once    ${best(three).toFixed(0)} entries/s together  ` +
        `(${(best(three) / best(one)).toFixed(2)}x one)`,
      `  chain after ${verified.ok ? 'verifies' : 'DOES NOT VERIFY'}`,
    ];
  } finally {
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}
