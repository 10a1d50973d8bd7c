import { z } from 'zod';
import { defineAction } from '../src/core/action.ts';
import { defineCommand } from '../src/core/command.ts';
import { formatDuration, isSince, parseDuration, parseSince } from '../src/core/duration.ts';
import { BackendError, isBackendError, UserError } from '../src/core/errors.ts';
import { formatTime } from '../src/core/format.ts';
import { formatEvent } from '../src/core/logs/format.ts';
import type { LogCenter } from '../src/core/logs/log-center.ts';
import { snapshotGaps, unreadable } from '../src/core/logs/snapshot-text.ts';
import { ACTION_STOP } from '../src/core/logs/tail-manager.ts';
import { textMessage } from '../src/core/message.ts';
import { bold, code, join, t } from '../src/core/text.ts';
import { ENV, SERVICE } from './target.ts';

// More than this many lines go up as a file instead of filling the channel.
const INLINE_LINES = 40;

function pickSource(logs: LogCenter, service: string, wanted: string | undefined) {
  const available = logs.sources(service);
  if (!available.length)
    throw new UserError(`\`${service}\` has no log source: set \`services.${service}.logs\` in opsdeck.yaml.`);
  if (!wanted) return available[0]!;
  const match = available.find((s) => s.kind === wanted);
  if (!match)
    throw new UserError(
      t`${code(service)} has no ${wanted} logs; it has ${join(
        available.map((s) => code(s.kind)),
        ', ',
      )}.`,
    );
  return match;
}

export const logs = defineCommand({
  family: 'logs',
  summary: 'Show recent logs of a service, or follow them live in a thread',
  examples: [
    '/logs api prod --since 15m',
    '/logs api prod --grep ERROR --follow --for 5m',
    '/logs web staging --source kubernetes --pod web-6f7c9-abcde',
  ],
  positionals: [SERVICE, ENV],
  flags: {
    since: {
      type: 'string',
      placeholder: 'duration|ISO time',
      help: 'from how long ago, e.g. `15m`, `2h`, or an ISO time (default 15m; 1m with --follow)',
    },
    grep: {
      type: 'string',
      placeholder: 'pattern',
      help: 'only matching lines: a CloudWatch filter pattern, or text for pod logs',
    },
    follow: { type: 'boolean', short: 'f', help: 'keep posting new lines into a thread until stopped' },
    for: { type: 'string', placeholder: 'duration', help: 'how long to follow (default 10m, limited by config)' },
    lines: {
      type: 'string',
      short: 'n',
      placeholder: 'N',
      help: 'how many lines: the newest N for a snapshot, the budget of a follow',
    },
    source: { type: 'string', placeholder: 'cloudwatch|kubernetes', help: 'which log source, when a service has both' },
    pod: { type: 'string', placeholder: 'name', help: 'one pod only (Kubernetes)' },
    container: { type: 'string', placeholder: 'name', help: 'one container (Kubernetes)' },
  },
  schema: z.object({
    service: z.string(),
    env: z.string(),
    since: z.string().refine(isSince, 'expected a duration such as 15m or an ISO time').optional(),
    grep: z.string().max(1024).optional(),
    follow: z.boolean().default(false),
    for: z
      .string()
      .refine((v) => parseDuration(v) !== undefined, 'expected a duration such as 10m')
      .optional(),
    lines: z.coerce.number().int().min(1, 'expected at least 1 line').optional(),
    source: z.enum(['cloudwatch', 'kubernetes'], { error: 'expected cloudwatch or kubernetes' }).optional(),
    pod: z.string().max(253).optional(),
    container: z.string().max(63).optional(),
  }),
  permission: 'logs',
  mutating: false,
  needs: ['logs', 'clock'],
  async handler({ args, actor, channelId, deps: { logs, clock }, reply }) {
    const { limits, tails, redact } = logs;
    const { kind, source } = pickSource(logs, args.service, args.source);
    if ((args.pod || args.container) && kind !== 'kubernetes')
      throw new UserError('`--pod` and `--container` apply to Kubernetes logs; add `--source kubernetes`.');
    if (args.lines !== undefined && args.lines > limits.maxLines)
      throw new UserError(`\`--lines\` is at most ${limits.maxLines} (logs.maxLines in opsdeck.yaml).`);
    const target = { service: args.service, env: args.env };
    // A follow starts close to now: replaying a quarter of an hour into a thread helps nobody.
    const since = parseSince(args.since ?? (args.follow ? '1m' : '15m'), clock.now())!;
    const query = { target, since, grep: args.grep, pod: args.pod, container: args.container };

    if (args.follow) {
      const durationMs = args.for ? parseDuration(args.for)! : limits.defaultFollowMs;
      if (durationMs > limits.maxFollowMs)
        throw new UserError(
          `\`--for\` is at most ${formatDuration(limits.maxFollowMs)} (logs.maxFollow in opsdeck.yaml).`,
        );
      await tails.start({
        source,
        query,
        requester: actor.userId,
        channel: channelId,
        durationMs,
        lineBudget: args.lines ?? limits.maxLines,
      });
      return;
    }
    if (args.for) throw new UserError('`--for` goes with `--follow`.');

    const range = `${formatTime(query.since)} to ${formatTime(clock.now())}`;
    const what = t`${bold(args.service)} in ${bold(args.env)}`;
    const snap = await source.snapshot(query, args.lines ?? 200).catch((err: unknown) => {
      // The invocation fails (and is audited so); the user learns the range is unknown, not empty.
      if (!isBackendError(err)) throw err;
      const text = unreadable({ source: source.describe(target), error: err.message, what, range, redact });
      throw new BackendError(text, { cause: err });
    });
    const { events } = snap;
    const matching = args.grep ? t`, matching ${code(args.grep)}` : '';
    const count = `${events.length} line${events.length === 1 ? '' : 's'}`;
    const summary = t`${what}: ${count} from ${source.describe(target)}, ${range}${matching}.`;
    const gaps = snapshotGaps(snap, { maxLines: limits.maxLines, redact });
    if (!events.length && !gaps.length) return reply.ephemeral(textMessage(t`No log lines: ${summary}`));
    const head = [summary, ...gaps].map((text) => ({ type: 'text' as const, text }));
    if (!events.length) return reply.ephemeral({ text: join([summary, ...gaps], '\n'), blocks: head });
    const lineRedact = logs.lineRedactor();
    const lines = events.map((e) => formatEvent(e, lineRedact));
    if (lines.length <= INLINE_LINES) {
      await reply.inChannel({ text: summary, blocks: [...head, { type: 'code', text: lines.join('\n') }] });
      return;
    }
    await logs.attach(channelId, {
      filename: `${args.service}-${args.env}-logs.txt`,
      title: `${args.service} ${args.env} logs`,
      content: `${lines.join('\n')}\n`,
      comment: join([summary, ...gaps], '\n'),
    });
  },
});

/** Stop on a live tail: anyone who may read those logs may stop it. */
export const logsActions = [
  defineAction({
    actionId: ACTION_STOP,
    needs: ['tails', 'permissions', 'logs'],
    async handler({ click, roles, unverified, deps: { tails, permissions, logs } }) {
      const tail = /^tail_[A-Za-z0-9_-]+$/.test(click.value) ? await tails.getTail(click.value) : undefined;
      if (!tail) throw new UserError('That log tail no longer exists.');
      const need = { verb: 'logs', service: tail.service, env: tail.env };
      if (!permissions.allows(roles, need)) throw new UserError(permissions.denialReason(roles, need, unverified));
      if (!(await logs.tails.stop(tail.id, click.userId))) throw new UserError('That log tail has already ended.');
    },
  }),
];
