import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Receiver } from '@slack/bolt';
import type { Dispatcher } from '../core/dispatch.ts';
import type { Redactor } from '../core/redact.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Route } from '../observability/health.ts';
import type { PromMetrics } from '../observability/metrics.ts';
import { boltLogger } from './bolt-logger.ts';
import { App, HTTPReceiver, SocketModeReceiver } from './bolt-parts.ts';
import { unescapeSlackText } from './incoming-text.ts';
import { slackIntake } from './intake.ts';
import { ACTION_REJECT } from '../core/changes/request-view.ts';
import { responseUrlReplier } from './replier.ts';
import { listenError, RoutesServer } from './routes-server.ts';
import type { SlackSurfaces } from './surfaces/slack-surfaces.ts';
import { webReplier } from './surfaces/web-replier.ts';

export type SlackConnection =
  | { mode: 'http'; botToken: string; signingSecret: string; apiUrl: string | undefined }
  | { mode: 'socket'; botToken: string; appToken: string; apiUrl: string | undefined };

export interface SlackAppOptions {
  connection: SlackConnection;
  port: number;
  dispatcher: Dispatcher;
  metrics: PromMetrics;
  routes: Route[];
  log: Logger;
  clock: Clock;
  /** Everything sent back through a response_url passes it. */
  redactor: Redactor;
  /** The bot's ids as Slack reported them to the readiness check (none yet while Slack has not answered). */
  identity(): { botUserId?: string; botId?: string };
  /**
   * Claims a delivery by its Slack id (a slash command's or click's `trigger_id`); false when it was
   * already handled, here or on another replica: a retry or a replay, answered without a second effect.
   */
  firstDelivery(key: string): Promise<boolean>;
  /** App Home, forms, modals and shortcuts (built with `once` from here). */
  surfaces?: (once: (key: string | undefined) => Promise<boolean>) => SlackSurfaces;
}

export interface SlackApp {
  app: App;
  /** Starts serving; resolves with the HTTP port (events in HTTP mode, health and metrics in both). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

const receivedAt = (): { receivedAt: number } => ({ receivedAt: performance.now() });
const EVENTS_PATH = '/slack/events';

/**
 * Bolt wiring. Every slash command and button is acknowledged before any work starts, so Slack
 * always gets its answer well inside 3 s; the work then runs through the dispatcher.
 */
export function createSlackApp(opts: SlackAppOptions): SlackApp {
  const { connection, dispatcher, metrics, log } = opts;
  const logger = boltLogger(log);
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (connection.mode === 'http') {
    const http = new HTTPReceiver({
      signingSecret: connection.signingSecret,
      // Checked before Bolt by slackIntake, against the injected clock and for future stamps too.
      signatureVerification: false,
      endpoints: EVENTS_PATH,
      customRoutes: opts.routes,
      customPropertiesExtractor: receivedAt,
      logger,
    });
    const intake = {
      signingSecret: connection.signingSecret,
      clock: opts.clock,
      log,
      rejected: (reason: string) => metrics.slackRequestRefused(reason),
    };
    http.requestListener = slackIntake(intake, EVENTS_PATH, http.requestListener);
    receiver = http;
  } else {
    receiver = new SocketModeReceiver({
      appToken: connection.appToken,
      // The routes are served by `routesServer`, not by the receiver. The socket client takes its Web API
      // options from here only; without them it would connect through slack.com even when SLACK_API_URL
      // points elsewhere.
      installerOptions: { clientOptions: connection.apiUrl ? { slackApiUrl: connection.apiUrl } : {} },
      customPropertiesExtractor: receivedAt,
      logger,
    });
  }
  const app = new App({
    // Not `token`: with it Bolt calls auth.test once at construction and caches a failure for the life of
    // the process, so a Slack hiccup at start would refuse every later request. The readiness check asks
    // Slack instead, retrying, and /readyz says when it cannot.
    authorize: async () => ({ botToken: connection.botToken, ...opts.identity() }),
    receiver: receiver as Receiver,
    logger,
    clientOptions: connection.apiUrl ? { slackApiUrl: connection.apiUrl } : {},
  });

  const ackLatency = (kind: 'command' | 'action', context: Record<string, unknown>) => {
    if (typeof context.receivedAt === 'number') metrics.acked(kind, (performance.now() - context.receivedAt) / 1000);
  };

  /** Slack may deliver the same request twice (retries; a replay within the signature window): act once. */
  const once = async (key: string | undefined): Promise<boolean> => {
    if (!key) return true;
    const first = await opts.firstDelivery(key).catch((err: unknown) => {
      // Acting twice is guarded by the request flow's compare-and-set; dropping a command silently is worse.
      log.warn({ err, key }, 'could not record a Slack delivery; handling it anyway');
      return true;
    });
    if (first) return true;
    metrics.duplicateDelivery();
    log.warn({ key }, 'duplicate Slack delivery ignored');
    return false;
  };

  const surfaces = opts.surfaces?.(once);
  surfaces?.register(app);

  // One listener for every slash command, so unknown ones still get a helpful answer.
  app.command(/^\/.+/, async ({ command, ack, respond, context, client }) => {
    await ack();
    ackLatency('command', context);
    if (!(await once(command.trigger_id))) return;
    const family = command.command.replace(/^\//, '').toLowerCase();
    const text = unescapeSlackText(command.text ?? '');
    const reply = responseUrlReplier(respond, opts.redactor);
    const { trigger_id: trigger, user_id: userId, channel_id: channelId } = command;
    // With no words, the commands that have a form open it (views.open must come within the trigger's 3 s).
    if (!text.trim() && surfaces) {
      const opened = await surfaces
        .commandForm(family, trigger, userId, channelId, client, reply)
        .catch((err: unknown) => {
          log.warn({ err, family }, 'could not open a form; running the command as typed');
          return false;
        });
      if (opened) return;
    }
    void dispatcher.dispatch({ family, text, userId, channelId, reply });
  });

  app.action(/^opsdeck\./, async ({ ack, body, action, respond, context, client }) => {
    await ack();
    ackLatency('action', context);
    // Socket Mode payloads skip the HTTP intake's shape check; a click without a user is nobody's.
    if (!body.user?.id) return log.warn({ type: body.type }, 'ignored an interaction without a user');
    const trigger = 'trigger_id' in body ? body.trigger_id : undefined;
    if (!(await once(trigger))) return;
    const actionId = 'action_id' in action ? action.action_id : '';
    const value = 'value' in action && typeof action.value === 'string' ? action.value : '';
    const channelId = body.channel?.id ?? '';
    const messageTs = 'message' in body && body.message ? String(body.message.ts) : undefined;
    // Buttons in App Home carry no response_url: answers go to the person directly.
    const reply = respond
      ? responseUrlReplier(respond, opts.redactor)
      : webReplier(client, opts.redactor, { user: body.user.id, channel: channelId || undefined });
    // Reject asks why first; the rejection is decided (and checked again) when the modal is submitted.
    if (actionId === ACTION_REJECT && surfaces && trigger) {
      const where = { ...(channelId ? { channel: channelId } : {}), ...(messageTs ? { messageTs } : {}) };
      return void (await surfaces.rejectForm(client, trigger, value, where).catch(async (err: unknown) => {
        log.warn({ err }, 'could not open the reject form');
        const text = 'Slack did not open the form for your reason; nothing was rejected. Click Reject again.';
        await reply.ephemeral({ text }).catch(() => undefined);
      }));
    }
    void dispatcher.click({ actionId, value, userId: body.user.id, channelId, messageTs, reply });
  });

  // Socket Mode: the routes on a server of opsdeck's own, which says so when it cannot listen.
  const routesServer = receiver instanceof HTTPReceiver ? undefined : new RoutesServer(opts.routes, log);
  let started = false;
  return {
    app,
    async start() {
      if (!routesServer) {
        const server = (await app.start(opts.port).catch((err: unknown) => {
          throw listenError(err, opts.port);
        })) as Server;
        started = true;
        return (server.address() as AddressInfo).port;
      }
      // Listening first: /healthz answers while the socket connects.
      const port = await routesServer.listen(opts.port);
      started = true;
      await app.start();
      return port;
    },
    async stop() {
      await routesServer?.close();
      // An HTTP receiver that never listened refuses to stop; there is nothing of it to stop.
      if (started) await app.stop();
    },
  };
}
