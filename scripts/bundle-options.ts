import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');

// Inlined: packages that read no files of their own at run time: zod (~95 modules) and yaml (~70), used only by
// opsdeck's code; Bolt with the Slack Web API client (~450 modules with express and undici), which every start
// loads: inlining it took about a sixth off the start to /readyz; and the backends' SDKs, each in the chunk of
// the adapter that uses it, so still loaded only when the config uses that backend. Kubernetes' client alone is
// about 1,000 modules: as files it took 0.75 s to import, as one chunk 0.25 s. Tests start the bundle over HTTP
// and over Socket Mode, and against the GitHub, Kubernetes and CloudWatch emulators (test/dockerfile.test.ts).
const INLINED = new Set([
  'zod',
  'yaml',
  '@slack/bolt',
  '@slack/web-api',
  '@kubernetes/client-node',
  '@octokit/rest',
  '@octokit/plugin-retry',
  '@octokit/plugin-throttling',
  '@aws-sdk/client-cloudwatch-logs',
]);

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const external = Object.keys(pkg.dependencies)
  .filter((name) => !INLINED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

// V8 holds a module's source as one string, one byte a character only while every character is Latin-1: one
// "•" made the chunk with Bolt (megabytes) two bytes a character, 3 to 7 MB more resident memory. esbuild
// escapes what is not ASCII in strings and regular expressions, but not in comments or tagged templates (whose
// raw text would change). The sources are escaped before esbuild reads them: in comments an escape is only
// text, and the tagged templates read their cooked text (opsdeck's `t`; those in the bundled packages are
// ASCII). Where an escape would change meaning (after a backslash; a line separator, which ends a `//`
// comment) the build stops instead. test/dockerfile.test.ts checks the bundle is ASCII and that a reply
// still shows its "•".
const asciiOnly: Plugin = {
  name: 'ascii-only',
  setup(bundle) {
    bundle.onLoad({ filter: /\.(js|cjs|mjs)$/ }, async (args) => {
      const source = (await readFile(args.path, 'utf8')).replace(/^\uFEFF/, '');
      if (/\\[\u0080-\uffff]|[\u2028\u2029]/.test(source)) {
        throw new Error(`${args.path}: a character escaped to ASCII would change meaning here; bundle it as it is`);
      }
      const toEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      return { contents: source.replace(/[\u0080-\uffff]/g, toEscape), loader: 'js' };
    });
  },
};

/**
 * How opsdeck's code is bundled (`scripts/bundle.ts`): every output in one folder, chunks shared between
 * entries, the packages above inlined and the others left in node_modules. The runbook bench bundles its
 * timed load with the same options, so it times the code as the image runs it.
 */
export const BUNDLE_OPTIONS: BuildOptions = {
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // The ES module build where a package has one (the AWS SDK's): esbuild leaves out what is not imported from
  // it, which it cannot do in CommonJS. The chunk with the CloudWatch client went from 656 KB to 79 KB.
  mainFields: ['module', 'main'],
  external,
  plugins: [asciiOnly],
  // yaml is CommonJS and requires node:process; an ES module has no `require` of its own to give it.
  banner: {
    js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
  },
  // Without comments and indentation the chunks are a quarter smaller, and V8 keeps each chunk's source for
  // as long as the process runs: 1 to 2 MB less at idle. Names are kept, so a stack trace still names its
  // functions; --enable-source-maps gives the TypeScript lines.
  minifyWhitespace: true,
  logLevel: 'warning',
};
