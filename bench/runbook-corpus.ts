import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const SHIPPED = resolve(import.meta.dirname, '../runbooks');

// A small deterministic generator, so every run writes the same corpus.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SYLLABLES = 'ka lo mi ne ru sa ti vo ba de fi gu ha je ko lu ma no pe qui ra so tu ve wa xi yo zu'.split(' ');
const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
const word = (rnd: () => number, parts = 3) => Array.from({ length: parts }, () => pick(rnd, SYLLABLES)).join('');
const camel = (s: string) => s.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

/**
 * Writes `count` runbooks into `dir`, each a shipped runbook told of another service: its own service
 * names, alert names, title words, owner and a paragraph of words of its own, in team folders. Large
 * organisations' runbook repositories look like this: a few patterns, many services, their own jargon.
 */
export async function writeRunbookCorpus(dir: string, count: number): Promise<string[]> {
  const rnd = random(42);
  const names = (await readdir(SHIPPED)).filter((n) => n.endsWith('.md')).sort();
  const shipped = await Promise.all(names.map((n) => readFile(join(SHIPPED, n), 'utf8')));
  const services = Array.from({ length: 800 }, () => `${word(rnd, 2)}-${pick(rnd, ['api', 'worker', 'web', 'db'])}`);
  const teams = Array.from({ length: 40 }, () => word(rnd, 2));
  const jargon = Array.from({ length: 6000 }, () => word(rnd));
  const paths: string[] = [];
  for (const team of teams) await mkdir(join(dir, team), { recursive: true });
  for (let i = 0; i < count; i++) {
    const base = shipped[i % shipped.length]!;
    const service = pick(rnd, services);
    const other = pick(rnd, services);
    const team = pick(rnd, teams);
    const extra = Array.from({ length: 40 }, () => pick(rnd, jargon)).join(' ');
    const text = base
      .replace(/^title: (.*)$/m, (_m, t: string) => `title: ${t} on ${service}`)
      .replace(/^services: \[.*\]$/m, `services: [${service}, ${other}]`)
      .replace(/^alerts: \[(.*)\]$/m, (_m, a: string) => `alerts: [${a}, ${camel(service)}${camel(word(rnd, 2))}]`)
      .replace(/^owner: .*$/m, `owner: "@${team}"`)
      .replace(/\b(api|web|worker)\b/g, service)
      .replace(/\n## /, `\nTeam ${team} notes for ${service}: ${extra}.\n\n## `);
    const path = `${team}/${service}-${i}.md`;
    await writeFile(join(dir, path), text);
    paths.push(path);
  }
  return paths;
}
