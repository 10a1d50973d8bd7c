import type { WebClient } from '@slack/web-api';
import type { OpsdeckConfig } from '../config/schema.ts';
import type { AuditLog } from '../core/audit-log.ts';
import type { CommandNames } from '../core/command-names.ts';
import type { Dispatcher } from '../core/dispatch.ts';
import { HomeView } from '../core/home/home-view.ts';
import { reviewsToAcknowledge } from '../core/home/review-source.ts';
import type { Policy } from '../core/policy.ts';
import type { Redactor } from '../core/redact.ts';
import type { Backends } from '../ports/backends.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import { HomePublisher } from '../slack/surfaces/home-publisher.ts';
import { SlackSurfaces } from '../slack/surfaces/slack-surfaces.ts';

export interface SurfaceWiring {
  config: OpsdeckConfig;
  client: WebClient;
  store: Store;
  backends: Backends;
  policy: Policy;
  names: CommandNames;
  audit: AuditLog;
  redactor: Redactor;
  clock: Clock;
  log: Logger;
  /** Changes within this long make one App Home publish per person (default 2 s). */
  homeCoalesceMs?: number | undefined;
  /** How often the shared audit log is looked at for other replicas' changes (default 5 s). */
  homeWatchMs?: number | undefined;
}

// Slack lists at most 100 options in a select.
const MAX_REFS = 100;

/** App Home kept fresh from the audit log, and the forms and shortcuts, all ending in the dispatcher. */
export function createSurfaces(w: SurfaceWiring) {
  const view = new HomeView({
    catalog: w.config,
    permissions: w.policy,
    clock: w.clock,
    backends: w.backends,
    requests: w.store,
    locks: w.store,
    tails: w.store,
    reviews: reviewsToAcknowledge(w.store, w.config),
  });
  const homes = new HomePublisher({
    publish: async (user, home) => {
      await w.client.views.publish({ user_id: user, view: home } as unknown as Parameters<
        WebClient['views']['publish']
      >[0]);
    },
    render: async (user) => view.render(user, await w.policy.resolve(user)),
    redactor: w.redactor,
    clock: w.clock,
    log: w.log.child({ component: 'home' }),
    coalesceMs: w.homeCoalesceMs,
    // Other replicas' changes: the shared audit log's head moves.
    latestChange: async () => (await w.store.queryAudit({ limit: 1 }))[0]?.seq,
    watchMs: w.homeWatchMs,
    onRemoteChange: () => view.forget(),
  });
  // Every change of state is audited; the person's own commands and refused clicks change nothing shown.
  w.audit.onRecorded((event) => {
    if (/^(command|click)\./.test(event.action)) return;
    view.forget();
    homes.changed();
  });
  const refs = async (service: string, query: string): Promise<string[]> => {
    const repo = w.config.services[service]?.github?.repo;
    const list = repo ? w.backends.sourceControl?.recentRefs?.(repo, query, MAX_REFS) : undefined;
    return (await list) ?? [];
  };
  return {
    homes,
    surfaces: (dispatcher: Dispatcher, once: (key: string | undefined) => Promise<boolean>) =>
      new SlackSurfaces({
        dispatcher,
        names: w.names,
        catalog: w.config,
        permissions: w.policy,
        homes,
        refs,
        redactor: w.redactor,
        log: w.log.child({ component: 'surfaces' }),
        once,
      }),
  };
}
