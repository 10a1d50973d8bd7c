import { alertRoutes } from '../alerts/routes.ts';
import { SnsVerifier, snsHostCheck } from '../alerts/sns.ts';
import type { Settings } from '../config/settings.ts';
import type { OpsdeckConfig } from '../config/schema.ts';
import { AlertIntake } from '../core/alerts/alert-intake.ts';
import type { AlertCatalog } from '../core/alerts/routing.ts';
import { parseDuration } from '../core/duration.ts';
import type { Runbooks } from '../core/runbooks/library.ts';
import type { Route } from '../observability/health.ts';
import type { Chat } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { AlertMetrics } from '../ports/metrics.ts';
import type { Store } from '../ports/store.ts';

/** What only tests change: where SNS certificates may come from, and how soon a storm summary is edited. */
export interface AlertTuning {
  /** Replaces the SNS host check (`https://sns.<allowed region>.amazonaws.com/…`); never read from config. */
  snsUrlAllowed?: (url: URL) => boolean;
  stormRefreshMs?: number;
}

/** Kubernetes namespace → service, for namespaces that hold exactly one service. */
export function alertCatalog(config: OpsdeckConfig): AlertCatalog {
  const owners = new Map<string, string[]>();
  for (const [name, svc] of Object.entries(config.services)) {
    if (svc.kubernetes) owners.set(svc.kubernetes.namespace, [...(owners.get(svc.kubernetes.namespace) ?? []), name]);
  }
  return {
    services: Object.keys(config.services),
    environments: Object.keys(config.environments),
    namespaces: Object.fromEntries([...owners].flatMap(([ns, names]) => (names.length === 1 ? [[ns, names[0]!]] : []))),
  };
}

/** The alert intake and its endpoints, when the config has an `alerts` section. */
export function createAlertIntake(deps: {
  config: OpsdeckConfig;
  settings: Settings;
  store: Store;
  chat: Chat;
  runbooks: Runbooks;
  clock: Clock;
  log: Logger;
  metrics: AlertMetrics;
  tuning?: AlertTuning | undefined;
}): { intake: AlertIntake; routes: Route[] } | undefined {
  const alerts = deps.config.alerts;
  if (!alerts) return undefined;
  const log = deps.log.child({ component: 'alerts' });
  const intake = new AlertIntake({
    store: deps.store,
    requests: deps.store,
    chat: deps.chat,
    runbooks: deps.runbooks,
    catalog: deps.config,
    alertCatalog: alertCatalog(deps.config),
    routing: alerts,
    clock: deps.clock,
    log,
    metrics: deps.metrics,
    recentChanges: { ms: parseDuration(alerts.recentChanges)!, text: alerts.recentChanges },
    scaleStep: alerts.scaleStep,
    perMinute: alerts.perMinute,
    stormRefreshMs: deps.tuning?.stormRefreshMs,
  });
  const cw = alerts.cloudwatch;
  const sns = cw
    ? {
        verifier: new SnsVerifier({
          allowedUrl: deps.tuning?.snsUrlAllowed ?? snsHostCheck(cw.regions),
          maxAgeMs: parseDuration(cw.maxAge)!,
        }),
        topics: cw.topics,
      }
    : undefined;
  const routes = alertRoutes({
    intake,
    alertmanager: {
      bearerToken: deps.settings.alerts.alertmanagerToken,
      basic: deps.settings.alerts.alertmanagerBasic,
    },
    hmacSecret: deps.settings.alerts.hmacSecret,
    sns,
    clock: deps.clock,
    log,
    metrics: deps.metrics,
  });
  return { intake, routes };
}
