import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { Dispatcher } from '../core/dispatch.ts';
import type { Logger } from '../ports/logger.ts';
import type { Route } from '../observability/health.ts';
import type { PromMetrics } from '../observability/metrics.ts';
import { boltLogger } from './bolt-logger.ts';
import { responseUrlReplier } from './replier.ts';

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
}

export interface SlackApp {
  app: App;
  /** Starts serving; resolves with the HTTP port (events in HTTP mode, health and metrics in both). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

const receivedAt = (): { receivedAt: number } => ({ receivedAt: performance.now() });

/**
 * Bolt wiring. Every slash command and button is acknowledged before any work starts, so Slack
 * always gets its answer well inside 3 s; the work then runs through the dispatcher.
 */
export function createSlackApp(opts: SlackAppOptions): SlackApp {
  const { connection, dispatcher, metrics, log } = opts;
  const logger = boltLogger(log);
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (connection.mode === 'http') {
    receiver = new HTTPReceiver({
      signingSecret: connection.signingSecret,
      endpoints: '/slack/events',
      customRoutes: opts.routes,
      customPropertiesExtractor: receivedAt,
      logger,
    });
  } else {
    receiver = new SocketModeReceiver({
      appToken: connection.appToken,
      customRoutes: opts.routes,
      // The socket client takes its Web API options from here only; without them it would open
      // its connection through slack.com even when SLACK_API_URL points elsewhere.
      installerOptions: { port: opts.port, clientOptions: connection.apiUrl ? { slackApiUrl: connection.apiUrl } : {} },
      customPropertiesExtractor: receivedAt,
      logger,
    });
  }
  const app = new App({
    token: connection.botToken,
    receiver: receiver as Receiver,
    logger,
    clientOptions: connection.apiUrl ? { slackApiUrl: connection.apiUrl } : {},
  });

  const ackLatency = (kind: 'command' | 'action', context: Record<string, unknown>) => {
    if (typeof context.receivedAt === 'number') metrics.acked(kind, (performance.now() - context.receivedAt) / 1000);
  };

  // One listener for every slash command, so unknown ones still get a helpful answer.
  app.command(/^\/.+/, async ({ command, ack, respond, context }) => {
    await ack();
    ackLatency('command', context);
    void dispatcher.dispatch({
      family: command.command.replace(/^\//, '').toLowerCase(),
      text: command.text ?? '',
      userId: command.user_id,
      channelId: command.channel_id,
      reply: responseUrlReplier(respond),
    });
  });

  app.action(/^opsdeck\./, async ({ ack, body, action, respond, context }) => {
    await ack();
    ackLatency('action', context);
    void dispatcher.click({
      actionId: 'action_id' in action ? action.action_id : '',
      value: 'value' in action && typeof action.value === 'string' ? action.value : '',
      userId: body.user.id,
      channelId: body.channel?.id ?? '',
      messageTs: 'message' in body && body.message ? String(body.message.ts) : undefined,
      reply: responseUrlReplier(respond),
    });
  });

  return {
    app,
    async start() {
      if (receiver instanceof HTTPReceiver) {
        const server = (await app.start(opts.port)) as Server;
        return (server.address() as AddressInfo).port;
      }
      await app.start();
      const server = (receiver as unknown as { httpServer?: Server }).httpServer;
      return server ? (server.address() as AddressInfo).port : opts.port;
    },
    async stop() {
      await app.stop();
    },
  };
}
