import type { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/ports/logger.ts';
import { SlackReadiness } from '../../src/slack/readiness.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** A client whose `auth.test` answers only when the test says so, counting the calls. */
function pendingClient() {
  const answers: Array<() => void> = [];
  const client = {
    auth: {
      test: () => new Promise((resolve) => answers.push(() => resolve({ ok: true, team: 'acme', user: 'opsdeck' }))),
    },
  };
  return { client: client as unknown as WebClient, answers };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SlackReadiness', () => {
  it('keeps checking after the first check', async () => {
    vi.useFakeTimers();
    const { client, answers } = pendingClient();
    const readiness = new SlackReadiness(client, { log: silent, intervalMs: 1_000 });
    const started = readiness.start();
    answers[0]!();
    expect((await started).ok).toBe(true);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(answers).toHaveLength(4);
    readiness.stop();
  });

  it('checks no more once stopped while the first check was under way', async () => {
    vi.useFakeTimers();
    const { client, answers } = pendingClient();
    const readiness = new SlackReadiness(client, { log: silent, intervalMs: 1_000 });
    const started = readiness.start();
    readiness.stop();
    answers[0]!();
    await started;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(answers).toHaveLength(1);
  });
});
