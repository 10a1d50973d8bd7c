import { access, readFile, readdir } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleAsset {
  contentType: string;
  body: Buffer;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/**
 * Where the page's files live. Under tsx this module runs from src/sandbox/slack/, with console/ beside it.
 * tsc compiles it to dist/src/sandbox/slack/ and copies no other files, so a build looks beside itself first
 * (for an image that copies the folder there) and then in the source tree at the package root.
 */
const CANDIDATES = [
  new URL('./console/', import.meta.url),
  new URL('../../../../src/sandbox/slack/console/', import.meta.url),
];

async function exists(url: URL): Promise<boolean> {
  return access(url).then(
    () => true,
    () => false,
  );
}

/** Reads the console's HTML, CSS and JavaScript once, keyed by file name. */
export async function loadConsoleAssets(candidates: readonly URL[] = CANDIDATES): Promise<Map<string, ConsoleAsset>> {
  let dir: URL | undefined;
  for (const candidate of candidates) {
    if (await exists(new URL('index.html', candidate))) {
      dir = candidate;
      break;
    }
  }
  if (!dir) {
    const tried = candidates.map((c) => fileURLToPath(c)).join(', ');
    throw new Error(`SlackEmulator: the console's files were not found (looked in ${tried})`);
  }
  const assets = new Map<string, ConsoleAsset>();
  for (const name of (await readdir(dir)).sort()) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) assets.set(name, { contentType, body: await readFile(new URL(name, dir)) });
  }
  return assets;
}
