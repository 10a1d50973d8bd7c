import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/core/redact.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { HomePublisher } from '../../src/slack/surfaces/home-publisher.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function publisher(recentMs = 60_000) {
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
  });
  return { homes, published, advance: (ms: number) => (at += ms) };
}

describe('HomePublisher', () => {
  it('publishes at once when a home is opened, redacted', async () => {
    const { homes, published } = publisher();
    homes.opened('U1');
    await wait(20);
    expect(published).toEqual(['U1:ok']);
    homes.stop();
  });

  it('coalesces a burst of changes into one publish per person who looked recently', async () => {
    const { homes, published, advance } = publisher(60_000);
    homes.opened('U1');
    homes.opened('U2');
    await wait(20);
    advance(120_000);
    homes.opened('U3');
    await wait(20);
    published.length = 0;
    for (let i = 0; i < 10; i++) homes.changed();
    await wait(80);
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
});
