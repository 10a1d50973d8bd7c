import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  actAs,
  colouredPixels,
  type ConsoleSession,
  deployApprovedByBob,
  emojiFontLoaded,
  emojiFontState,
  openConsole,
  renderedFonts,
  send,
} from '../../scripts/console-browser.ts';

let session: ConsoleSession;
let page: Page;

beforeAll(async () => {
  session = await openConsole();
}, 60_000);
afterAll(() => session?.close());
beforeEach(async () => {
  page = await session.newPage();
});
afterEach(() => page?.close());

/** carol holds no deploy role: her `/deploy api prod` is refused with an ephemeral `:no_entry:` message. */
async function carolRefused(): Promise<ReturnType<Page['getByTestId']>> {
  await actAs(page, 'carol');
  await send(page, '/deploy api prod');
  const refusal = page.getByTestId('message').filter({ hasText: "can't run" }).last();
  await expect.poll(() => refusal.textContent(), { timeout: 10_000 }).toContain('needs role');
  return refusal;
}

describe('the sandbox console in a browser', () => {
  it('runs the approve-and-deploy flow: alice requests, bob approves, the thread reports success', async () => {
    const { request, thread } = await deployApprovedByBob(page);
    expect(await request.textContent()).toContain('Approved by @bob');
    expect(await request.textContent()).toContain('✅');
    expect(await thread.textContent()).toContain('@alice done');
  });

  it('shows carol the refusal, only to her', async () => {
    const refusal = await carolRefused();
    expect(await refusal.getByTestId('ephemeral').count()).toBe(1);
    await actAs(page, 'bob');
    await expect.poll(() => page.getByTestId('message').filter({ hasText: "can't run" }).count()).toBe(0);
  });

  it('draws emoji codes in colour with the emoji font it serves, whatever fonts the system has', async () => {
    const refusal = await carolRefused();
    const emoji = refusal.locator('.emoji[title=":no_entry:"]');
    expect(await emoji.textContent()).toBe('⛔');
    await emojiFontLoaded(page);
    expect(await emojiFontState(page, '⛔')).toEqual({ check: true, faces: ['loaded'] });
    // A web font is "custom"; without it Chromium draws with a system font if it has one, or empty boxes.
    const fonts = await renderedFonts(page, '[data-testid="messages"] .emoji[title=":no_entry:"]');
    expect(fonts).toEqual([{ familyName: 'Noto Color Emoji', isCustomFont: true, glyphCount: 1 }]);
    expect(await colouredPixels(page, emoji)).toBeGreaterThan(40);
    expect(await colouredPixels(page, refusal.locator('.author'))).toBe(0);
  });
});
