import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from './bundle-options.ts';

// Bundles the compiled bot (`tsc` output in <outDir>, default dist/) into <outDir>/bundle/: the entry point,
// the SQLite store's thread, the runbook index thread, and the modules loaded on demand (other commands,
// backend adapters) as shared chunks. Start-up is mostly Node resolving and loading one module at a time; one
// file for opsdeck's own ~200 modules and the packages below takes about a third off it. The other packages
// stay in node_modules, loaded as they are (pino's transports find their files beside them), and a backend's
// SDK, though inlined, still loads only when the config uses it. Every output sits in the one folder, so
// `new URL('./store-worker.js', import.meta.url)` finds the store's thread from whichever chunk asks (and
// './index-worker.js' the index's).
const ROOT = resolve(import.meta.dirname, '..');
const outDir = resolve(ROOT, process.argv[2] ?? 'dist');
await rm(join(outDir, 'bundle'), { recursive: true, force: true });
await build({
  ...BUNDLE_OPTIONS,
  entryPoints: {
    main: join(outDir, 'src/main.js'),
    'store-worker': join(outDir, 'src/adapters/store-sqlite/store-worker.js'),
    'index-worker': join(outDir, 'src/adapters/runbook-index-thread/index-worker.js'),
  },
  outdir: join(outDir, 'bundle'),
  // Stack traces map back to the TypeScript sources through tsc's own maps (with --enable-source-maps).
  sourcemap: true,
});
