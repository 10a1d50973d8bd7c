import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/ports/logger.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const ROOT = resolve(import.meta.dirname, '../..');

let dir: string;
let sandbox: Sandbox;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsdeck-console-'));
  sandbox = await startSandbox({
    port: 0, botPort: 0, dir, configPath: 'examples/sandbox.yaml', log: silent,
    pace: { tickMs: 50, podReadyMs: 150, timeScale: 0.01, stepMs: 50 },
  });
  // Debian's Chromium, never a downloaded browser.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(sandbox.consoleUrl);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function actAs(name: string): Promise<void> {
  const select = page.getByTestId('user-select');
  const value = await select.locator('option', { hasText: `@${name}` }).first().getAttribute('value');
  await select.selectOption(value!);
}

async function type(text: string): Promise<void> {
  const composer = page.getByTestId('composer');
  await composer.fill(text);
  await composer.press('Escape');
  await composer.press('Enter');
}

describe('the sandbox console in a browser', () => {
  it('runs the approve-and-deploy flow: alice requests, bob approves, the thread reports success', async () => {
    await page.getByTestId('channel-deploys').click();
    await actAs('alice');
    await type('/deploy api prod');
    const request = page.getByTestId('message').filter({ hasText: 'Deploy api to prod' }).last();
    await expect.poll(() => request.getByTestId('button-opsdeck.request.approve').count(), { timeout: 15_000 }).toBe(1);

    await actAs('bob');
    await request.getByTestId('button-opsdeck.request.approve').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => request.textContent(), { timeout: 20_000 }).toContain('Approved by @bob');
    await expect.poll(() => request.textContent(), { timeout: 20_000 }).toMatch(/✅/);

    await request.getByTestId('thread-link').click();
    const thread = page.getByTestId('thread');
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain('@alice done');
    await mkdir(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs/console.png') });
  });

  it('shows carol the refusal, only to her', async () => {
    await page.getByTestId('thread-close').click();
    await actAs('carol');
    await type('/deploy api prod');
    const refusal = page.getByTestId('message').filter({ hasText: "can't run" }).last();
    await expect.poll(() => refusal.textContent(), { timeout: 10_000 }).toContain('needs role');
    expect(await refusal.getByTestId('ephemeral').count()).toBe(1);
    await actAs('bob');
    await expect.poll(() => page.getByTestId('message').filter({ hasText: "can't run" }).count()).toBe(0);
  });
});
