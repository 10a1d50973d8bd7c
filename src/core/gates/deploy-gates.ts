import type { Clock } from '../../ports/clock.ts';
import type { CommitChecks } from '../../ports/commit-checks.ts';
import type { RequestStore } from '../../ports/store.ts';
import type { Catalog } from '../catalog.ts';
import { shortSha } from '../format.ts';
import { bold, code, join, t, type Text } from '../text.ts';
import { type CiGate, ciBlocks, evaluateChecks, requiredChecks } from './ci-gate.ts';
import { ciField, ciReason, promotionText } from './gate-text.ts';
import { evaluatePromotion, type PromotionGate, promotionBlocks } from './promotion.ts';

export interface GateDeps {
  catalog: Catalog;
  commitChecks: CommitChecks;
  requests: Pick<RequestStore, 'listRequests'>;
  clock: Clock;
}

export interface GateInput {
  service: string;
  env: string;
  /** The service's GitHub repository; without one there is no commit to check. */
  repo: string | undefined;
  ref: string;
  sha: string | undefined;
  force: boolean;
  canBreakGlass: boolean;
}

export interface GateReport {
  ci: CiGate;
  promotion: PromotionGate;
  /** Each gate that stops the deploy, without advice. */
  reasons: Text[];
  /** Why the deploy is refused, with what to do; undefined when it may go ahead. */
  blocked?: Text | undefined;
  /** What `--force` passed, for the break-glass flag. */
  forced?: Text | undefined;
  /** What the request shows about the gates: the CI field and the promotion field, when there is something to say. */
  fields: Text[];
  /** Where the commit stands in the environment promoted from, in a sentence. */
  promoted?: Text | undefined;
}

// Deploys to the environment a promotion reads; a busy service has a few a day, so this reaches back weeks.
const HISTORY = 500;

/**
 * The gates a deploy passes before anyone is asked to approve it: CI on the commit and promotion from the
 * environment before. `--force` passes both for holders of `breakglass`, as it passes locks and freezes.
 */
export async function checkDeployGates(deps: GateDeps, input: GateInput): Promise<GateReport> {
  const env = deps.catalog.environments[input.env];
  const required = requiredChecks(env);
  const ci: CiGate =
    input.repo && input.sha
      ? await deps.commitChecks.read(input.repo, input.sha).then(
          (checks) => evaluateChecks(checks, required),
          (err: unknown) => ({ kind: 'unreadable' as const, required, error: (err as Error).message }),
        )
      : { kind: 'skipped', required };
  const now = deps.clock.now();
  const history = env?.promotion
    ? await deps.requests.listRequests({
        service: input.service,
        env: env.promotion.from,
        kinds: ['deploy'],
        newestFirst: true,
        limit: HISTORY,
      })
    : [];
  const promotion = evaluatePromotion({
    promotion: env?.promotion,
    commit: { ref: input.ref, sha: input.sha },
    history,
    now,
  });
  const commit = code(input.sha ? shortSha(input.sha) : input.ref);
  const promoted = promotionText(promotion, commit, input.env, now);
  const reasons: Text[] = [];
  const ciWhy = ciBlocks(ci) ? ciReason(ci, input.sha) : undefined;
  if (ciWhy) reasons.push(ciWhy);
  if (promotionBlocks(promotion) && promoted) reasons.push(promoted);
  const field = ciField(ci);
  const fields = [...(field ? [field] : []), ...(promoted ? [t`${bold('Promotion')}\n${promoted}`] : [])];
  const report = { ci, promotion, reasons, fields, promoted };
  if (!reasons.length) return report;
  const what = join(reasons, '; ');
  if (input.force && input.canBreakGlass) return { ...report, forced: what };
  const target = code(`${input.service}/${input.env}`);
  const blocked = input.force
    ? t`${what}. ${code('--force')} needs the ${code('breakglass')} permission for ${target}`
    : t`${what}. Add ${code('--force')} for an emergency (needs ${code('breakglass')})`;
  return { ...report, blocked };
}
