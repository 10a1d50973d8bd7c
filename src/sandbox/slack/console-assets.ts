import { access, readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
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

/** A colour emoji font from npm: many systems (Debian's Chromium, for one) have none, and show empty boxes. */
export const EMOJI_FONT_PACKAGE = '@fontsource/noto-color-emoji';

/** The family console.css names: unlike any installed font's, so the served font is the one that renders. */
export const EMOJI_FAMILY = 'opsdeck emoji';

async function exists(url: URL): Promise<boolean> {
  return access(url).then(
    () => true,
    () => false,
  );
}

const css = (text: string): ConsoleAsset => ({ contentType: CONTENT_TYPES['.css']!, body: Buffer.from(text) });

/**
 * `emoji.css` and the font file it names. The package also splits the font by unicode-range, but those pieces
 * carry SVG glyphs, which Chromium does not draw; the whole font carries COLR glyphs too, which every current
 * browser draws. Its unicode-range still keeps it from being fetched for text without emoji. Without the package
 * (an install without dev dependencies) the stylesheet is empty and emoji use the system's fonts, if any.
 */
async function loadEmojiFont(pkg: string): Promise<Map<string, ConsoleAsset>> {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    return new Map([['emoji.css', css(`/* ${pkg} is not installed: emoji use the system's fonts */\n`)]]);
  }
  const meta = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as { id: string; defSubset: string };
  const ranges = JSON.parse(await readFile(join(dir, 'unicode.json'), 'utf8')) as Record<string, string>;
  const file = `${meta.id}-${meta.defSubset}-400-normal.woff2`;
  const rule =
    `/* Noto Color Emoji from ${pkg} (SIL Open Font License 1.1) */\n` +
    `@font-face {\n  font-family: '${EMOJI_FAMILY}';\n  font-display: swap;\n` +
    `  src: url(fonts/${file}) format('woff2');\n  unicode-range: ${Object.values(ranges).join(',')};\n}\n`;
  return new Map([
    ['emoji.css', css(rule)],
    [`fonts/${file}`, { contentType: 'font/woff2', body: await readFile(join(dir, 'files', file)) }],
  ]);
}

/** Reads the console's HTML, CSS, JavaScript and emoji font once, keyed by path under `/console/`. */
export async function loadConsoleAssets(
  candidates: readonly URL[] = CANDIDATES,
  emojiFontPackage: string = EMOJI_FONT_PACKAGE,
): Promise<Map<string, ConsoleAsset>> {
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
  const assets = await loadEmojiFont(emojiFontPackage);
  for (const name of (await readdir(dir)).sort()) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) assets.set(name, { contentType, body: await readFile(new URL(name, dir)) });
  }
  return assets;
}
