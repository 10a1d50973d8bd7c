import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';

// The baseline: a Bolt app that acknowledges every slash command and does nothing else.
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.command(/.*/, async ({ ack }) => ack());
const server = (await app.start({ port: 0, host: '127.0.0.1' })) as unknown as Server;
console.log(JSON.stringify({ port: (server.address() as AddressInfo).port, msg: 'bare bolt started' }));
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
