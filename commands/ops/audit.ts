import { z } from 'zod';
import type { AuditRecord } from '../../src/core/audit-chain.ts';
import { SYSTEM_ACTOR } from '../../src/core/audit-log.ts';
import { defineCommand } from '../../src/core/command.ts';
import { isSince, parseSince } from '../../src/core/duration.ts';
import type { Block } from '../../src/core/message.ts';
import { bold, code, join, mention, t, type Text } from '../../src/core/text.ts';

const PAGE = 20;

// Audit details hold what people typed and what backends said: shown as text, never as markup.
function describe(r: AuditRecord): Text {
  const when = r.at.replace('T', ' ').slice(0, 16);
  const target = [r.target.service, r.target.env].filter(Boolean).join('/');
  const detail =
    typeof r.details.reason === 'string'
      ? ` — ${r.details.reason}`
      : typeof r.details.text === 'string'
        ? t` — ${code(r.details.text)}`
        : '';
  const who = r.actor === SYSTEM_ACTOR ? r.actor : mention(r.actor);
  return t`${code(`#${r.seq}`)} ${when} · ${who} · ${bold(r.action)}${target ? ` · ${target}` : ''}${detail}`;
}

export const audit = defineCommand({
  family: 'ops',
  sub: 'audit',
  summary: 'Show recent audit entries, newest first',
  examples: ['/ops audit api prod', '/ops audit --since 7d --actor @alice', '/ops audit api prod --before 120'],
  positionals: [
    { name: 'service', kind: 'service', optional: true, help: 'only entries about this service' },
    { name: 'env', kind: 'env', optional: true, help: 'only entries about this environment' },
  ],
  flags: {
    since: {
      type: 'string',
      placeholder: 'duration|ISO time',
      help: 'how far back, e.g. `24h`, `7d` or `2026-11-01T00:00Z` (default 24h)',
    },
    actor: { type: 'string', placeholder: '@user', help: 'only entries by this person (mention them)' },
    before: { type: 'string', placeholder: 'seq', help: 'entries older than this sequence number (the next page)' },
  },
  schema: z.object({
    service: z.string().optional(),
    env: z.string().optional(),
    since: z.string().refine(isSince, 'expected a duration (`24h`, `7d`) or an ISO time').default('24h'),
    actor: z
      .string()
      .transform((v) => v.replace(/^@/, ''))
      .pipe(z.string().regex(/^[UW][A-Z0-9]+$/, 'mention the person with @ so Slack sends their user id'))
      .optional(),
    before: z.coerce.number().int().positive().optional(),
  }),
  permission: 'audit',
  mutating: false,
  needs: ['auditTrail', 'clock'],
  async handler({ args, deps: { auditTrail, clock }, reply }) {
    const since = parseSince(args.since, clock.now())!;
    const rows = await auditTrail.queryAudit({
      service: args.service,
      env: args.env,
      actor: args.actor,
      since,
      beforeSeq: args.before,
      limit: PAGE + 1,
    });
    const page = rows.slice(0, PAGE);
    const scope = [args.service, args.env].filter(Boolean).join('/') || 'everything';
    const title = `Audit: ${scope} since ${since.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    if (!page.length) {
      await reply.ephemeral({
        text: `${title}: no entries.`,
        blocks: [{ type: 'text', text: t`${bold(title)}\nNo entries.` }],
      });
      return;
    }
    const blocks: Block[] = [
      { type: 'header', text: title },
      { type: 'text', text: join(page.map(describe), '\n') },
    ];
    if (rows.length > PAGE) {
      // The actor as a mention, so the command copied from here names them the way typing @name would.
      const next = join(
        [
          '/ops audit',
          args.service,
          args.env,
          `--since ${args.since}`,
          args.actor && t`--actor ${mention(args.actor)}`,
          `--before ${page.at(-1)!.seq}`,
        ].flatMap((piece) => (piece ? [piece] : [])),
        ' ',
      );
      blocks.push({ type: 'context', text: t`Showing the newest ${PAGE}. Older: ${code(next)}` });
    }
    await reply.ephemeral({ text: `${title}: ${page.length} entries`, blocks });
  },
});
