import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/ports/logger.ts';
import { boltLogger } from '../../src/slack/bolt-logger.ts';

/** Every line logged, with its level and fields. */
function recording() {
  const lines: { level: string; fields: object; msg: string }[] = [];
  const at =
    (level: string) =>
    (fields: object, msg = '') =>
      void lines.push({ level, fields, msg });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return { log, lines };
}

/** A local port nothing listens on: a request to it is refused at once. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  await new Promise((closed) => server.close(closed));
  return `http://127.0.0.1:${port}/api/`;
}

describe('boltLogger', () => {
  it("puts the Slack client's warnings in the log under its component and leaves out its debug output", async () => {
    const { log, lines } = recording();
    const client = new WebClient('xoxb-1', {
      slackApiUrl: await refusedUrl(),
      retryConfig: { retries: 0 },
      logger: boltLogger(log, 'slack-api'),
    });
    await expect(client.auth.test()).rejects.toThrow();
    expect(lines).toContainEqual({
      level: 'warn',
      fields: { component: 'slack-api' },
      msg: expect.stringContaining('http request failed'),
    });
    // Its debug output would carry whole request bodies: "initialized", "http request url", "http request body".
    expect(lines.filter((l) => l.level === 'debug')).toEqual([]);
  });

  it.each([
    { level: 'info', shown: false },
    { level: 'debug', shown: true },
  ] as const)('logs debug lines only when told to log at debug level: $level', ({ level, shown }) => {
    const { log, lines } = recording();
    const logger = boltLogger(log);
    logger.setLevel(level as never);
    logger.debug('a detail');
    expect(lines.length).toBe(shown ? 1 : 0);
    expect(logger.getLevel()).toBe(level);
  });
});
