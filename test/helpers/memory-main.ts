import { Writable } from 'node:stream';
import { startOpsdeck } from '../../src/compose.ts';
import { parseConfig } from '../../src/config/load.ts';
import { readSettings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/observability/logger.ts';

// The bot in a process of its own, started with --expose-gc and an IPC channel: asked `heap`, it collects
// garbage and answers how much of its heap is still in use. Only the bot lives here (the Slack emulator
// and whatever it records stay with the test), so growth is the bot's. Logs are dropped.
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('run with --expose-gc and an IPC channel');
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
const bot = await startOpsdeck({
  config: parseConfig(process.env.OPSDECK_CONFIG_TEXT ?? ''),
  settings: readSettings(process.env),
  log: createLogger('warn', sink),
  tuning: { chatGapMs: 0, workingNoticeMs: 60_000 },
});
process.send({ port: bot.port });
process.on('message', (message) => {
  if (message !== 'heap') return;
  // After idle connections have timed out (5 s on both ends), so the heap holds what requests left behind,
  // not the connection pool of the moment. Twice: the first collection runs finalizers that free more.
  setTimeout(() => {
    gc();
    gc();
    process.send?.({ heapUsed: process.memoryUsage().heapUsed });
  }, 6000);
});
process.once('SIGTERM', () => void bot.stop().then(() => process.exit(0)));
