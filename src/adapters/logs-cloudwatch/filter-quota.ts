import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { priorityOf, type SharedLimits } from '../rate-limits/index.ts';
import type { FilterAdmission } from './filter-page.ts';

/**
 * FilterLogEvents calls through `client`, at most `tps` a second for its account and region on every
 * replica together (CloudWatch's quota is per account and region: 5 TPS where it is lowest). Calls are
 * spaced 1000/tps ms apart rather than counted in a reservoir: a clustered Bottleneck tops a reservoir up
 * only on its 5 s heartbeat (test/adapters/bottleneck-defects.test.ts).
 */
export function filterLogEventsLimit(client: CloudWatchLogsClient, limits: SharedLimits, tps: number): FilterAdmission {
  const group = limits.group('cloudwatch-filter-log-events', { minTime: Math.ceil(1000 / tps) });
  let key: Promise<string> | undefined;
  return (call, urgency) => {
    key ??= quotaKey(client);
    return key.then((k) => group.schedule(k, { priority: priorityOf(urgency) }, call));
  };
}

/**
 * The account comes from the credentials when their provider knows it (SSO, AWS_ACCOUNT_ID, profiles that
 * name it), without a call to STS. When it does not, every client of the region shares one limit, which
 * only errs on the careful side: separate accounts behind one opsdeck are rare.
 */
async function quotaKey(client: CloudWatchLogsClient): Promise<string> {
  const region = await client.config.region().catch(() => 'default-region');
  const account = await client.config.credentials().then(
    (c) => c.accountId,
    () => undefined,
  );
  return `${account ?? 'any-account'}-${region}`;
}
