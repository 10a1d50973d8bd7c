import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/core/redact.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { HomePublisher } from '../../src/slack/surfaces/home-publisher.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until `done()` holds, checking every few milliseconds, for as long as a busy machine may need. */
async function until(done: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const start = performance.now(); !done(); await wait(5)) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out');
  }
}

function publisher(recentMs = 60_000, latestChange?: () => Promise<number | undefined>, onRemoteChange?: () => void) {
  let at = Date.parse('2026-11-25T10:00:00Z');
  const clock: Clock = { now: () => new Date(at), sleep: async () => {} };
  const published: string[] = [];
  const homes = new HomePublisher({
    publish: async (user, view) => {
      published.push(`${user}:${JSON.stringify(view).includes('ghp_') ? 'leak' : 'ok'}`);
    },
    render: async (user) => ({ text: 'home', blocks: [{ type: 'text', text: `hi ${user} ghp_${'a'.repeat(36)}` }] }),
    redactor: createRedactor(),
    clock,
    log: silent,
    coalesceMs: 30,
    recentMs,
    latestChange,
    onRemoteChange,
    watchMs: 15,
  });
  return { homes, published, advance: (ms: number) => (at += ms) };
}

describe('HomePublisher', () => {
  it('publishes at once when a home is opened, redacted', async () => {
    const { homes, published } = publisher();
    homes.opened('U1');
    await until(() => published.length > 0);
    expect(published).toEqual(['U1:ok']);
    homes.stop();
  });

  it('coalesces a burst of changes into one publish per person who looked recently', async () => {
    const { homes, published, advance } = publisher(60_000);
    homes.opened('U1');
    homes.opened('U2');
    await until(() => published.length === 2);
    advance(120_000);
    homes.opened('U3');
    await until(() => published.length === 3);
    published.length = 0;
    for (let i = 0; i < 10; i++) homes.changed();
    await until(() => published.length > 0);
    await wait(100);
    // U1 and U2 looked two minutes ago, past recentMs: only U3's home is kept fresh.
    expect(published).toEqual(['U3:ok']);
    homes.stop();
  });

  it('publishes nothing after stop', async () => {
    const { homes, published } = publisher();
    homes.opened('U1');
    homes.stop();
    homes.changed();
    await wait(60);
    expect(published).toEqual([]);
  });

  it("refreshes when another replica's change moves the shared audit log on, and only then", async () => {
    let head = 7;
    let looks = 0;
    let remote = 0;
    const { homes, published } = publisher(
      60_000,
      async () => {
        looks++;
        return head;
      },
      () => remote++,
    );
    homes.opened('U1');
    await until(() => published.length === 1);
    // Looked at the head (7) at least twice before it moves: nothing moved, nothing drawn again.
    await until(() => looks >= 2);
    expect(published).toEqual(['U1:ok']);
    head = 8;
    await until(() => published.length === 2);
    expect(remote).toBe(1);
    homes.stop();
  });
});
