import type { WebClient } from '@slack/web-api';
import type { Logger } from '../ports/logger.ts';

// Slack's answers for a token that will never work until someone replaces it.
const REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'no_permission',
]);

export type SlackState =
  | { ok: true; team: string; bot: string; botUserId: string | undefined; botId: string | undefined }
  | { ok: false; problem: string };

/**
 * Whether opsdeck can talk to Slack: `auth.test` at start and then every `intervalMs`. While the token
 * is refused or Slack cannot be reached, /readyz says so instead of "ready" while every command times out.
 */
export class SlackReadiness {
  readonly #client: WebClient;
  readonly #log: Logger;
  readonly #intervalMs: number;
  #state: SlackState = { ok: false, problem: 'Slack not checked yet' };
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(client: WebClient, options: { log: Logger; intervalMs: number }) {
    this.#client = client;
    this.#log = options.log;
    this.#intervalMs = options.intervalMs;
  }

  get state(): SlackState {
    return this.#state;
  }

  /** The bot's own ids once Slack has told us them; Bolt uses them to ignore the bot's own events. */
  get identity(): { botUserId?: string; botId?: string } {
    return this.#state.ok
      ? {
          ...(this.#state.botUserId ? { botUserId: this.#state.botUserId } : {}),
          ...(this.#state.botId ? { botId: this.#state.botId } : {}),
        }
      : {};
  }

  /** Checks once now, then keeps checking in the background until `stop()`. */
  async start(): Promise<SlackState> {
    await this.check();
    // Stopped while the first check was under way (a start that failed): no checks after it.
    if (this.#stopped) return this.#state;
    this.#timer = setInterval(() => void this.check(), this.#intervalMs);
    this.#timer.unref();
    return this.#state;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  async check(): Promise<SlackState> {
    const before = this.#state;
    try {
      const res = await this.#client.auth.test();
      this.#state = {
        ok: true,
        team: String(res.team ?? res.team_id ?? ''),
        bot: String(res.user ?? res.user_id ?? ''),
        botUserId: res.user_id,
        botId: res.bot_id,
      };
    } catch (err) {
      this.#state = { ok: false, problem: describe(err) };
    }
    if (this.#state.ok && !before.ok)
      this.#log.info({ team: this.#state.team, bot: this.#state.bot }, 'Slack accepts the bot token');
    if (!this.#state.ok && (before.ok || before.problem !== this.#state.problem))
      this.#log.error({ problem: this.#state.problem }, 'Slack is not usable');
    return this.#state;
  }
}

function describe(err: unknown): string {
  const code = (err as { data?: { error?: unknown } }).data?.error;
  if (typeof code === 'string' && REFUSED.has(code)) {
    return (
      `Slack refused the bot token (${code}): ` +
      'set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) of the installed app'
    );
  }
  if (typeof code === 'string') return `Slack answered auth.test with ${code}`;
  return `Slack cannot be reached (${(err as Error).message})`;
}
