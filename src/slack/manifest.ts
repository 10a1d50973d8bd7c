import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import { CommandNames, type CommandNaming } from '../core/command-names.ts';
import { DEPLOY_SHORTCUT, RUNBOOK_SHORTCUT } from './surfaces/slack-surfaces.ts';

/** What Slack shows for each command family in its autocomplete. */
const COMMANDS: Record<string, { description: string; usage_hint: string }> = {
  deploy: {
    description: 'Deploy a ref of a service to an environment',
    usage_hint: '<service> <env> [ref] [--reason "…"] [--dry-run] [--force] [--emergency "…"]',
  },
  rollback: {
    description: 'Roll a service back to its previous version',
    usage_hint: '<service> <env> [--to <revision|ref>] [--reason "…"] [--dry-run] [--force] [--emergency "…"]',
  },
  scale: {
    description: 'Set the number of replicas of a service',
    usage_hint: '<service> <env> <replicas> [--reason "…"] [--dry-run] [--force] [--emergency "…"]',
  },
  logs: {
    description: 'Show recent logs of a service, or follow them live in a thread',
    usage_hint: '<service> <env> [--since 15m] [--grep <pattern>] [--follow] [--for 10m] [--lines N]',
  },
  runbook: {
    description: 'Find an incident runbook and post it, with its steps as buttons',
    usage_hint: '[words…] | --alert AlertName',
  },
  ops: {
    description: 'opsdeck help, your roles, and the audit trail',
    usage_hint: 'help | whoami | explain @user <verb> <svc> <env> | status <service> | lock | locks | reviews | audit',
  },
};

const SCOPES: [scope: string, why: string][] = [
  ['commands', 'receive slash commands and shortcuts'],
  ['chat:write', "post requests and progress in channels the bot is in, and answers in people's DMs"],
  ['files:write', 'attach large log snapshots and tails as files'],
  ['usergroups:read', 'resolve @usergroup role members'],
];

const HEADER = `Slack app manifest for opsdeck, printed by \`opsdeck manifest\` for the commands opsdeck.yaml names.
Create the app at api.slack.com/apps → "From an app manifest", paste this file, replace
opsdeck.example.com with your public host (or run \`opsdeck manifest --url https://your.host\`), install it
to the workspace, then give opsdeck the Bot User OAuth Token (SLACK_BOT_TOKEN) and the Signing Secret
(SLACK_SIGNING_SECRET). For Socket Mode instead, set socket_mode_enabled: true, drop the URLs, and create
an app-level token with connections:write (SLACK_APP_TOKEN).`;

export const DEFAULT_APP_URL = 'https://opsdeck.example.com';

/**
 * The Slack app manifest matching the configured command names: slash commands, shortcuts, the App Home
 * tab, the events and interactivity opsdeck answers, and the few scopes it needs.
 */
export function appManifest(
  families: readonly string[],
  naming: CommandNaming = {},
  baseUrl = DEFAULT_APP_URL,
): string {
  const names = new CommandNames(families, naming);
  const url = `${baseUrl.replace(/\/+$/, '')}/slack/events`;
  const manifest = {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'opsdeck',
      description: 'Deploy, roll back, scale, tail logs and post runbooks, with approvals and an audit log.',
      background_color: '#1f2937',
    },
    features: {
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      bot_user: { display_name: 'opsdeck', always_online: true },
      shortcuts: [
        {
          name: 'Deploy…',
          type: 'global',
          callback_id: DEPLOY_SHORTCUT,
          description: 'Open the deploy form: service, environment, ref, reason',
        },
        {
          name: 'Find a runbook for this',
          type: 'message',
          callback_id: RUNBOOK_SHORTCUT,
          description: "Search the runbooks with this message's text",
        },
      ],
      slash_commands: names.all().map(({ family, slash }) => {
        const text = COMMANDS[family];
        if (!text) throw new Error(`no manifest description for /${family}`);
        return { command: slash, url, ...text, should_escape: true };
      }),
    },
    oauth_config: { scopes: { bot: SCOPES.map(([scope]) => scope) } },
    settings: {
      event_subscriptions: { request_url: url, bot_events: ['app_home_opened'] },
      interactivity: { is_enabled: true, request_url: url, message_menu_options_url: url },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
  const doc = new Document(manifest);
  doc.commentBefore = HEADER.split('\n')
    .map((line) => ` ${line}`)
    .join('\n');
  const bot = doc.getIn(['oauth_config', 'scopes', 'bot'], true) as Node | undefined;
  if (isSeq(bot)) {
    for (const item of bot.items) {
      if (isScalar(item)) item.comment = ` ${SCOPES.find(([s]) => s === item.value)?.[1] ?? ''}`;
    }
  }
  if (!isMap(doc.contents)) throw new Error('manifest is not a map');
  return doc.toString({ lineWidth: 0 });
}
