import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { Logger } from '../src/ports/logger.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/run-sandbox.ts';
import { EMOJI_FAMILY } from '../src/sandbox/slack/console-assets.ts';

// The sandbox console in Debian's Chromium, for the browser test and the README picture alike.

// The page's own globals, for the functions page.evaluate runs there: the project's types leave out the DOM.
declare const document: {
  fonts: Iterable<{ family: string; status: string }> & {
    ready: Promise<unknown>;
    load(font: string, text: string): Promise<unknown[]>;
    check(font: string, text: string): boolean;
  };
  querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
};
declare function createImageBitmap(blob: Blob): Promise<{ width: number; height: number }>;
declare class OffscreenCanvas {
  constructor(width: number, height: number);
  getContext(kind: '2d'): {
    drawImage(image: unknown, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}

const ROOT = resolve(import.meta.dirname, '..');
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

export interface ConsoleSession {
  sandbox: Sandbox;
  /** A new page with the console open, 1280×860. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Debian's Chromium, never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** A fresh sandbox in a temporary folder, paced fast, and a browser to open its console in. */
export async function openConsole(): Promise<ConsoleSession> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-console-'));
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await sandbox?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    sandbox = await startSandbox({
      port: 0,
      botPort: 0,
      dir,
      configPath: join(ROOT, 'examples/sandbox.yaml'),
      log: silent,
      pace: { tickMs: 50, podReadyMs: 150, timeScale: 0.01, stepMs: 50 },
    });
    browser = await launchChromium();
  } catch (error) {
    await close();
    throw error;
  }
  const { consoleUrl } = sandbox;
  const opened = browser;
  const newPage = async (): Promise<Page> => {
    const page = await opened.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(consoleUrl);
    return page;
  };
  return { sandbox, newPage, close };
}

export async function actAs(page: Page, name: string): Promise<void> {
  const select = page.getByTestId('user-select');
  const value = await select
    .locator('option', { hasText: `@${name}` })
    .first()
    .getAttribute('value');
  await select.selectOption(value!);
}

/** Types into the channel's composer and sends, closing the command completions first. */
export async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer');
  await composer.fill(text);
  await composer.press('Escape');
  await composer.press('Enter');
}

/**
 * alice asks for `/deploy api prod` in #deploys, bob approves it, and the thread opens once it reports success.
 * Returns the request in the channel and the thread pane.
 */
export async function deployApprovedByBob(page: Page): Promise<{ request: Locator; thread: Locator }> {
  await page.getByTestId('channel-deploys').click();
  await actAs(page, 'alice');
  await send(page, '/deploy api prod');
  const request = page.getByTestId('messages').getByTestId('message').filter({ hasText: 'Deploy api to prod' }).last();
  const approve = request.getByTestId('button-opsdeck.request.approve');
  await approve.waitFor({ timeout: 15_000 });

  await actAs(page, 'bob');
  await approve.click();
  await page.getByTestId('confirm-ok').click();
  await request.filter({ hasText: 'Approved by @bob' }).filter({ hasText: '✅' }).waitFor({ timeout: 20_000 });

  await request.getByTestId('thread-link').click();
  const thread = page.getByTestId('thread');
  await thread.getByTestId('message').filter({ hasText: '@alice done' }).waitFor({ timeout: 20_000 });
  return { request, thread };
}

/** Waits until the emoji font has loaded for every emoji code on the page. */
export async function emojiFontLoaded(page: Page): Promise<void> {
  await page.evaluate(async (family) => {
    const shown = [...document.querySelectorAll('.emoji')].map((e) => e.textContent ?? '').join('');
    if (shown) await document.fonts.load(`16px "${family}"`, shown);
    await document.fonts.ready;
  }, EMOJI_FAMILY);
}

/**
 * `document.fonts.check` for the emoji font (true also when no such font is declared at all) and the status of
 * each font face declared under its family.
 */
export function emojiFontState(page: Page, text: string): Promise<{ check: boolean; faces: string[] }> {
  return page.evaluate(
    ([family, t]) => ({
      check: document.fonts.check(`16px "${family}"`, t),
      faces: [...document.fonts].filter((f) => f.family.replace(/"/g, '') === family).map((f) => f.status),
    }),
    [EMOJI_FAMILY, text] as const,
  );
}

export interface PlatformFont {
  familyName: string;
  isCustomFont: boolean;
  glyphCount: number;
}

/** The fonts Chromium drew an element's text with, as DevTools reports them: web fonts are `isCustomFont`. */
export async function renderedFonts(page: Page, selector: string): Promise<PlatformFont[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new Error(`no element matches ${selector}`);
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map(({ familyName, isCustomFont, glyphCount }) => ({ familyName, isCustomFont, glyphCount }));
  } finally {
    await cdp.detach();
  }
}

/** How many pixels of an element's screenshot are clearly coloured (not white, grey or black). */
export async function colouredPixels(page: Page, element: Locator): Promise<number> {
  const png = await element.screenshot();
  return page.evaluate(async (base64) => {
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]));
    const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured += 1;
    }
    return coloured;
  }, png.toString('base64'));
}
