import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function relativeImports(source: string): string[] {
  return [...source.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('dependency rule (DESIGN §3)', () => {
  // commands/index.ts lists the command files, so commands may import each other.
  it.each([
    ['commands', ['src/core/', 'src/ports/', 'commands/']],
    ['src/core', ['src/core/', 'src/ports/']],
  ])('%s imports only %j', async (dir, allowed) => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(dir)) {
      const text = await readFile(join(root, file), 'utf8');
      for (const spec of relativeImports(text)) {
        const target = relative(root, resolve(root, file, '..', spec));
        if (!allowed.some((prefix) => target.startsWith(prefix))) offenders.push(`${file} → ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('core, ports and commands use no SDK, and only main.ts and compose.ts read process.env', async () => {
    const offenders: string[] = [];
    for (const file of [...(await sourceFiles('src')), ...(await sourceFiles('commands'))]) {
      const text = await readFile(join(root, file), 'utf8');
      const pure = /^(src\/(core|ports)|commands)\//.test(file);
      if (pure && /from\s+['"]@(slack|kubernetes|octokit|aws-sdk)\//.test(text))
        offenders.push(`${file} imports an SDK`);
      const allowedEnv = ['src/main.ts', 'src/compose.ts'].includes(file) || file.startsWith('src/sandbox/');
      if (!allowedEnv && /process\.env/.test(text)) offenders.push(`${file} reads process.env`);
    }
    expect(offenders).toEqual([]);
  });

  // A deploy driver is one folder under src/drivers/ and one line in the registry (src/drivers/index.ts):
  // everything else (config schema, config check, compose) reaches drivers through the registry, and a
  // driver reaches only the contract, adapters, ports and core, so adding or removing one touches no other file.
  it('deploy drivers are reached only through the registry, and reach no other driver', async () => {
    const offenders: string[] = [];
    const driverFolder = (path: string) => /^src\/drivers\/([^/]+)\//.exec(path)?.[1];
    const dirs = ['src', 'commands', 'test', 'bench', 'scripts'];
    const files = (await Promise.all(dirs.map((dir) => sourceFiles(dir).catch(() => [])))).flat();
    for (const file of files) {
      const own = driverFolder(file);
      const text = await readFile(join(root, file), 'utf8');
      for (const spec of relativeImports(text)) {
        const target = relative(root, resolve(root, file, '..', spec));
        const reached = driverFolder(target);
        if (reached && reached !== own && file !== 'src/drivers/index.ts') offenders.push(`${file} → ${target}`);
        const allowed = ['src/adapters/', 'src/ports/', 'src/core/', 'src/drivers/driver.ts', `src/drivers/${own}/`];
        if (own && !allowed.some((prefix) => target.startsWith(prefix))) offenders.push(`${file} → ${target}`);
      }
    }
    expect(files).toContain('src/drivers/index.ts');
    expect(offenders).toEqual([]);
  });

  // Messages are chat-neutral (src/core/text.ts): a chat's syntax is written by its front end alone, which also
  // escapes every plain string. A second front end then needs a receiver and a renderer, and nothing here.
  it.each([
    ['a user mention', /<@[A-Z$]/],
    ['a channel reference', /<#[A-Z$]/],
    ['a group mention or broadcast', /<!(subteam|channel|here|everyone|date|\$)/],
    ['a link', /<(https?|mailto):|<\$\{[^}]*\}\|/],
    ['an HTML entity', /&(lt|gt|amp);/],
    ['an emoji by shortcode', /['"`]:[a-z0-9_+-]+:\s/],
    ['mrkdwn emphasis', /['"`]\*[A-Za-z][^*\n]*\*/],
  ])('no Slack syntax in src/core/ or commands/: %s', async (_what, syntax) => {
    const offenders: string[] = [];
    for (const file of [...(await sourceFiles('src/core')), ...(await sourceFiles('commands'))]) {
      const lines = (await readFile(join(root, file), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (syntax.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('only stored requests of earlier versions carry markup, read where they are loaded', async () => {
    const offenders: string[] = [];
    for (const file of [...(await sourceFiles('src/core')), ...(await sourceFiles('commands'))]) {
      if (['src/core/text.ts', 'src/core/changes/request-envelope.ts'].includes(file)) continue;
      if (/\{\s*(readonly\s+)?markup\??:/.test(await readFile(join(root, file), 'utf8'))) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  // The emulators are for trying opsdeck and for tests: the production entry point must not load them,
  // and the build must not contain them. The compiler follows every literal import (types included), so
  // the sandbox command reaches them through a URL it imports at run time.
  it('only the sandbox command reaches src/sandbox/, and never through an import the compiler follows', async () => {
    const offenders: string[] = [];
    const references = /(?:from\s+|import\s*\(\s*|import\s+|new URL\(\s*)['"](\.[^'"]+)['"]/g;
    for (const file of [...(await sourceFiles('src')), ...(await sourceFiles('commands'))]) {
      if (file.startsWith('src/sandbox/')) continue;
      const text = await readFile(join(root, file), 'utf8');
      for (const m of text.matchAll(references)) {
        const target = relative(root, resolve(root, file, '..', m[1]!));
        if (!target.startsWith('src/sandbox/')) continue;
        const runtimeUrl = m[0].startsWith('new URL');
        if (!(runtimeUrl && file === 'src/cli/sandbox-command.ts')) offenders.push(`${file} → ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
