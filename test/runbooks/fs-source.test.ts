import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsRunbookSource } from '../../src/adapters/runbooks-fs/index.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-runbooks-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

describe('FsRunbookSource', () => {
  it('reads markdown files recursively, sorted, with paths relative to the folder and no url', async () => {
    const dir = await folder({
      'zeta.md': 'z',
      'alpha.md': 'a',
      'db/connections.md': 'c',
      'db/deep/more.md': 'm',
      'README.md': 'about this folder',
      'db/README.md': 'about db',
      'notes.txt': 'not markdown',
      '.github/template.md': 'hidden',
    });
    const files = await new FsRunbookSource(dir).list();
    expect(files).toEqual([
      { path: 'alpha.md', text: 'a' },
      { path: 'db/connections.md', text: 'c' },
      { path: 'db/deep/more.md', text: 'm' },
      { path: 'zeta.md', text: 'z' },
    ]);
  });

  it.each([
    ['as it is', (dir: string) => dir],
    ['with a trailing slash', (dir: string) => `${dir}/`],
    ['relative to the working folder', (dir: string) => relative(process.cwd(), dir)],
    ['through . and ..', (dir: string) => `${dir}/./db/../`],
    ['through its parent', (dir: string) => `${dir}/../${basename(dir)}`],
  ])('gives the same paths whichever way the folder is named: %s', async (_, name) => {
    const dir = await folder({ 'alpha.md': 'a', 'db/connections.md': 'c', 'db/deep/more.md': 'm' });
    const paths = (await new FsRunbookSource(name(dir)).entries()).map((e) => e.path);
    expect(paths).toEqual(['alpha.md', 'db/connections.md', 'db/deep/more.md']);
  });

  it('sees edits without a restart', async () => {
    const dir = await folder({ 'a.md': 'one' });
    const source = new FsRunbookSource(dir);
    expect((await source.list())[0]?.text).toBe('one');
    await writeFile(join(dir, 'a.md'), 'two');
    expect((await source.list())[0]?.text).toBe('two');
  });

  it('describes itself as its folder', () => {
    expect(new FsRunbookSource('runbooks').describe()).toBe('runbooks/');
    expect(new FsRunbookSource('/srv/runbooks/').describe()).toBe('/srv/runbooks/');
  });

  it('says clearly when the folder does not exist', async () => {
    const dir = await folder({});
    await expect(new FsRunbookSource(join(dir, 'missing')).list()).rejects.toThrow(
      `Cannot read runbooks from ${join(dir, 'missing')}: no such folder`,
    );
  });
});

describe('FsRunbookSource reading many files', () => {
  it('reads them whole (long, empty, holding NULs) and lets other work run between batches', async () => {
    const special: Record<number, string> = { 7: `${'x'.repeat(2_500_000)}é`, 8: 'a\0b\0\0c → d', 9: '', 10: '\0' };
    const content = (n: string, i: number) => special[i] ?? `text ${n} — é`;
    const names = Array.from({ length: 300 }, (_, i) => `r${String(i).padStart(3, '0')}.md`);
    const dir = await folder(Object.fromEntries(names.map((n, i) => [n, content(n, i)])));
    const source = new FsRunbookSource(dir);
    const entries = await source.entries();
    const order: string[] = [];
    const reading = Promise.all(
      entries.map(async (entry) => {
        const file = await source.read(entry);
        order.push('file');
        return file;
      }),
    );
    setImmediate(() => order.push('other work'));
    const files = await reading;
    expect(files.map((f) => f.text)).toEqual(names.map(content));
    const other = order.indexOf('other work');
    expect(other).toBeGreaterThan(0);
    expect(other).toBeLessThan(order.length - 1);
  });

  it('names the file it could not read', async () => {
    const dir = await folder({ 'gone.md': 'soon gone' });
    const source = new FsRunbookSource(dir);
    const [entry] = await source.entries();
    await rm(join(dir, 'gone.md'));
    await expect(source.read(entry!)).rejects.toThrow(/ENOENT.*gone\.md/);
  });
});
