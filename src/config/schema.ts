import { z } from 'zod';
import { DURATION_PATTERN } from '../core/duration.ts';
import { GRANT_PATTERN } from '../core/permission.ts';
import { deployConfigSchema } from '../drivers/index.ts';
import { alertsSchema } from './alerts-schema.ts';

const NAME = /^[a-z][a-z0-9-]*$/;
const name = (what: string) =>
  z.string().regex(NAME, `expected a ${what} name of lowercase letters, digits and dashes`);
const duration = z
  .string()
  .regex(DURATION_PATTERN, 'expected a duration such as 30m, 12h or 7d')
  .describe('A duration: a number and one of s, m, h, d, w (e.g. 30m, 62h, 7d).');
const channelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C0123ABCD (not a #name)');
const member = z
  .string()
  .regex(/^(?:[UW][A-Z0-9]{2,}|@[a-z0-9._-]+)$/, 'expected a Slack user id (U0123ABCD) or an @usergroup handle')
  .describe('A Slack user id (U…) or a user group handle starting with @.');
const grant = z
  .string()
  .regex(GRANT_PATTERN, 'expected a permission like deploy:api:prod, logs:*:* or *')
  .describe('verb[:service[:env]], each part may be *. Missing parts mean *.');

const emergency = z
  .strictObject({
    role: name('role').describe('Holders of this role may approve their own change with --emergency "reason".'),
    review: duration
      .default('24h')
      .describe('Another approver must acknowledge the self-approval within this long, or it is overdue.'),
    after: z
      .union([z.literal(0), z.literal('0'), z.literal('at-once'), duration])
      .default('10m')
      .describe(
        'How long a pending request of the same change must have waited with no decision before its requester ' +
          'may approve it alone; 0 or at-once: at once, without a request first.',
      ),
  })
  .describe(
    'A lone on-call engineer may approve their own change here, flagged, announced to the approvers and ' +
      'reviewed afterwards.',
  );

const approval = z
  .strictObject({
    required: z.int().min(1).default(1).describe('How many distinct approvers are needed.'),
    from: z.array(name('role')).min(1).describe('Roles whose members may approve.'),
    expiresIn: duration.default('30m').describe('A pending request expires after this long.'),
    emergency: emergency.optional(),
  })
  .describe('Changes to this environment need approval. The requester can never approve their own request.');

const freeze = z.strictObject({
  name: z.string().min(1),
  cron: z.string().min(1).describe('When the freeze starts (5-field cron).'),
  duration: duration.describe('How long each freeze lasts.'),
  timezone: z.string().optional().describe('IANA time zone for the cron, default UTC.'),
});

const checks = z
  .strictObject({
    required: z
      .union([z.enum(['all', 'none']), z.array(z.string().min(1)).min(1)])
      .describe(
        'all: every check reported on the commit must have passed; none: shown, never required; ' +
          'or the names of the checks (status contexts or check runs) that must be present and passed.',
      ),
  })
  .describe(
    'CI checks on the commit that a deploy to this environment needs. ' +
      'Default: all where approval is required, none elsewhere.',
  );

const promotion = z
  .strictObject({
    from: name('environment').describe('The environment a commit must have been deployed to successfully first.'),
    bake: duration.default('0s').describe('How long ago that deploy must have finished (e.g. 30m).'),
  })
  .describe('Deploys here take only commits that ran in `from` for at least `bake`. Rollbacks are exempt.');

const environment = z.strictObject({
  kubernetes: z
    .strictObject({
      context: z.string().min(1).optional().describe('kubeconfig context for this environment.'),
      inCluster: z
        .literal(true)
        .optional()
        .describe('Use the service account of the pod opsdeck runs in (instead of a context).'),
    })
    .optional(),
  approval: approval.optional(),
  channels: z
    .array(channelId)
    .optional()
    .describe('Mutating commands for this environment are accepted only in these channels.'),
  freezes: z
    .array(freeze)
    .default([])
    .describe('Recurring windows in which mutating commands are refused (break-glass aside).'),
  autoRollback: z
    .boolean()
    .optional()
    .describe('Roll back automatically when a rollout fails. Default: on when approval is required.'),
  checks: checks.optional(),
  promotion: promotion.optional(),
});

const logs = z.union([
  z.strictObject({
    cloudwatch: z.strictObject({
      group: z.string().min(1).describe('Log group; `{env}` is replaced by the environment name, e.g. /ecs/api-{env}.'),
      streamPrefix: z.string().optional(),
      liveTail: z
        .boolean()
        .default(true)
        .describe(
          '/logs --follow streams over CloudWatch Live Tail (needs logs:StartLiveTail), shared by every follow of ' +
            'the same group, filter and environment; false polls FilterLogEvents. Default true.',
        ),
    }),
  }),
  z.strictObject({
    kubernetes: z.strictObject({
      selector: z.string().min(1).describe('Label selector of the pods, e.g. app=api.'),
      container: z.string().optional(),
    }),
  }),
]);

const logSettings = z
  .strictObject({
    defaultFollow: duration.default('10m').describe('How long /logs --follow runs when --for is not given.'),
    maxFollow: duration.default('30m').describe('The longest --for anyone may ask for.'),
    maxLines: z
      .int()
      .min(10)
      .max(100_000)
      .default(2000)
      .describe('Line budget of one follow, and the most a snapshot returns.'),
    redact: z
      .array(z.strictObject({ name: z.string().min(1), pattern: z.string().min(1), replace: z.string().optional() }))
      .default([])
      .describe('Extra secret patterns (regular expressions) removed from log lines, besides the built-in ones.'),
    cloudwatch: z
      .strictObject({
        filterLogEventsTps: z
          .number()
          .positive()
          .max(100)
          .default(5)
          .describe(
            'FilterLogEvents calls per second for each AWS account and region, shared by every snapshot and ' +
              "follow on every replica (with REDIS_URL). Default 5, the quota's lowest value; raise it to match " +
              'a quota increase.',
          ),
        liveTailSessions: z
          .int()
          .min(1)
          .max(15)
          .default(10)
          .describe(
            'Live Tail sessions opsdeck keeps open at once for each AWS account and region (CloudWatch allows 15 ' +
              'and bills each per minute). A follow that would need one more polls instead and says so. Default 10.',
          ),
      })
      .optional(),
  })
  .describe('Limits and redaction for /logs.');

const service = z.strictObject({
  description: z.string().optional(),
  environments: z.array(name('environment')).optional().describe('Environments the service runs in; all when omitted.'),
  github: z
    .strictObject({
      repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'),
      defaultRef: z.string().min(1).default('main').describe('Ref deployed when none is given.'),
    })
    .optional(),
  deploy: deployConfigSchema.optional(),
  kubernetes: z
    .strictObject({
      namespace: z.string().min(1),
      deployment: z.string().min(1),
      container: z.string().min(1).optional().describe('Container to update; the first one when omitted.'),
    })
    .optional(),
  logs: logs.optional(),
  scale: z
    .strictObject({ min: z.int().min(0), max: z.int().min(1) })
    .optional()
    .describe('Replica bounds for /scale.'),
});

const role = z.strictObject({
  members: z.array(member).default([]),
  allow: z.array(grant).describe('Permissions granted to members. Everything else is denied.'),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    environments: z
      .record(name('environment'), environment)
      .describe('Where services run, and the rules for changing them.'),
    services: z.record(name('service'), service),
    roles: z.record(name('role'), role),
    logs: logSettings.optional(),
    runbooks: z
      .strictObject({
        path: z.string().min(1).default('runbooks').describe('Folder of markdown runbooks (default ./runbooks).'),
        github: z
          .string()
          .regex(/^[\w.-]+\/[\w.-]+(\/[^@]*)?(@.+)?$/, 'expected owner/repo/path@ref, e.g. acme/ops/runbooks@main')
          .optional()
          .describe('Read runbooks from a GitHub repository path instead of the folder.'),
        refresh: duration.default('10m').describe('How long runbooks are cached before being read again.'),
      })
      .optional()
      .describe('Where runbooks come from. /ops runbooks reload reads them again at once.'),
    alerts: alertsSchema.optional(),
    slack: z
      .strictObject({
        commands: z
          .strictObject({
            prefix: z
              .string()
              .regex(/^[a-z0-9][a-z0-9_-]{0,15}$/, 'expected lowercase letters, digits, - or _, e.g. ops-')
              .optional()
              .describe('Put before every command name: ops- gives /ops-deploy, /ops-logs, …'),
            names: z
              .record(
                z.string(),
                z.string().regex(/^\/?[a-z0-9][a-z0-9_-]{0,31}$/, 'expected a command name such as ship or /ship'),
              )
              .optional()
              .describe('A name per command family (deploy, rollback, scale, logs, runbook, ops); wins over prefix.'),
          })
          .optional()
          .describe(
            'What the slash commands are called in this workspace (`opsdeck manifest` prints the matching manifest).',
          ),
      })
      .optional()
      .describe('Slack app settings.'),
  })
  .describe('opsdeck configuration (opsdeck.yaml).');

export type OpsdeckConfig = z.output<typeof configSchema>;
export type ServiceConfig = OpsdeckConfig['services'][string];
export type EnvironmentConfig = OpsdeckConfig['environments'][string];
