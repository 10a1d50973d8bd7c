#!/usr/bin/env node
// In a source checkout (src/ present, tsx installed) run the TypeScript sources, so a stale dist/
// is never used by accident; in the published package and the image, run the compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));
const tsx = await import('tsx/esm/api').catch(() => undefined);
if (existsSync(source) && tsx) {
  tsx.register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(compiled).href);
}
