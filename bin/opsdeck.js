#!/usr/bin/env node
// In a source checkout (src/ present, tsx installed) run the TypeScript sources, so a stale dist/
// is never used by accident; in the published package and the image, run the compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Checked before anything else is loaded: on an older Node the first symptom would otherwise be a
// stack trace about a missing built-in module (node:sqlite), which says nothing about the fix.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `opsdeck needs Node 24 or newer (this is ${process.version}).\n` +
      'Install Node 24 from https://nodejs.org or with a version manager (nvm install 24, fnm install 24);\n' +
      'in a source checkout, `npm start` and `npm run opsdeck -- <command>` use the Node 24 that\n' +
      '`npm install` brings.\n',
  );
  process.exit(1);
}

const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const tsx = await import('tsx/esm/api').catch(() => undefined);
if (existsSync(source) && tsx) {
  tsx.register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(compiled).href);
}
