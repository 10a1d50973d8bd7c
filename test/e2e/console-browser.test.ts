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

  it('shows each person their own App Home: bob sees prod, carol does not', async () => {
    await actAs(page, 'bob');
    await page.getByTestId('home-tab').click();
    const home = page.getByTestId('home');
    await expect.poll(() => home.textContent(), { timeout: 10_000 }).toContain('api · prod');
    await actAs(page, 'carol');
    await expect.poll(() => home.textContent(), { timeout: 10_000 }).toContain('Your roles: viewer');
    expect(await home.textContent()).toContain('api · staging');
    expect(await home.textContent()).not.toContain('· prod');
  });

  it('opens the deploy form for a bare /deploy, suggests refs, and runs what is submitted', async () => {
    await page.getByTestId('channel-deploys').click();
    await actAs(page, 'alice');
    await send(page, '/deploy');
    const modal = page.getByTestId('modal');
    await modal.waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('modal-title').textContent()).toBe('Deploy');
    await page.getByTestId('field-service').selectOption('api');
    await page.getByTestId('field-env').selectOption('staging');
    const ref = page.getByTestId('field-ref');
    await ref.fill('v1.3');
    await expect.poll(() => ref.getAttribute('data-options'), { timeout: 10_000 }).toContain('v1.3.0');
    await ref.fill('v1.3.0');
    await page.getByTestId('field-reason').fill('from the form');
    await page.getByTestId('modal-submit').click();
    await modal.waitFor({ state: 'hidden', timeout: 10_000 });
    const request = page.getByTestId('messages').getByTestId('message').filter({ hasText: 'Deploy api to staging' });
    await request.filter({ hasText: '✅' }).last().waitFor({ timeout: 20_000 });
    expect(await request.last().textContent()).toContain('from the form');
  });

  it('runs the global Deploy… shortcut and the message shortcut that finds runbooks', async () => {
    await page.getByTestId('channel-incident').click();
    await actAs(page, 'alice');
    await page.getByTestId('shortcuts-button').click();
    await page.getByTestId('shortcut-opsdeck.shortcut.deploy').click();
    await page.getByTestId('modal').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('field-channel').count()).toBe(1);
    await page.getByTestId('modal-cancel').click();
    await page.getByTestId('modal').waitFor({ state: 'hidden', timeout: 10_000 });

    await send(page, 'api is returning 5xx errors after the deploy');
    const question = page.getByTestId('messages').getByTestId('message').filter({ hasText: 'returning 5xx' }).last();
    await question.hover();
    await question.getByTestId('message-shortcuts').click();
    await page.getByTestId('shortcut-opsdeck.shortcut.runbook').click();
    const found = page
      .getByTestId('messages')
      .getByTestId('message')
      .filter({ hasText: '5xx' })
      .filter({
        has: page.getByTestId('ephemeral'),
      });
    await found.last().waitFor({ timeout: 10_000 });
    expect(await found.last().locator('[data-testid^="button-opsdeck.runbook."]').count()).toBeGreaterThan(0);
  });
});
