import type { OpsdeckConfig } from '../config/schema.ts';
import { parseDuration } from '../core/duration.ts';
import { lineRedactor } from '../core/logs/format.ts';
import type { LogCenter, LogSourceKind } from '../core/logs/log-center.ts';
import type { TailManager } from '../core/logs/tail-manager.ts';
import { createRedactor, REDACTED, type RedactionRule, type Redactor } from '../core/redact.ts';
import type { Chat } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { LogSource } from '../ports/logs.ts';
import { type BackendModules, needed } from './backend-modules.ts';
import type { BackendClients } from './clients.ts';

export interface LogTuning {
  pollMs?: number;
  /** Bounds of a CloudWatch snapshot (defaults 20 s, 200 pages). */
  snapshotBudgetMs?: number;
  snapshotMaxPages?: number;
}

/** The built-in secret patterns plus the ones in `logs.redact`: the redactor for everything opsdeck outputs. */
export function configRedactor(config: OpsdeckConfig): Redactor {
  const extra: RedactionRule[] = (config.logs?.redact ?? []).map((r) => ({
    name: r.name,
    pattern: new RegExp(r.pattern, 'g'),
    replace: r.replace ?? REDACTED,
  }));
  return createRedactor(extra);
}

/**
 * CloudWatch and pod log sources per service, from `services.<svc>.logs` and `services.<svc>.kubernetes`,
 * on the shared `clients`.
 */
export function createLogSources(options: {
  config: OpsdeckConfig;
  modules: BackendModules;
  log: Logger;
  clients: BackendClients;
  clock: Clock;
  tuning?: LogTuning;
}): Map<string, { kind: LogSourceKind; source: LogSource }[]> {
  const { config, modules, log, clients, clock, tuning = {} } = options;
  const out = new Map<string, { kind: LogSourceKind; source: LogSource }[]>();
  for (const [name, svc] of Object.entries(config.services)) {
    const list: { kind: LogSourceKind; source: LogSource }[] = [];
    const svcLog = log.child({ component: 'logs', service: name });
    const cw = svc.logs && 'cloudwatch' in svc.logs ? svc.logs.cloudwatch : undefined;
    if (cw) {
      list.push({
        kind: 'cloudwatch',
        source: new (needed(modules.cloudwatch, 'CloudWatch Logs', 'add logs.cloudwatch').CloudWatchLogSource)({
          client: clients.cloudwatch(),
          admit: clients.cloudwatchFilterLimit(),
          group: (env: string) => cw.group.replaceAll('{env}', env),
          streamPrefix: cw.streamPrefix,
          liveTail: cw.liveTail === false ? undefined : clients.cloudwatchLiveTail(),
          pollMs: tuning.pollMs,
          snapshotBudgetMs: tuning.snapshotBudgetMs,
          snapshotMaxPages: tuning.snapshotMaxPages,
          clock,
          log: svcLog,
        }),
      });
    }
    const pods = svc.logs && 'kubernetes' in svc.logs ? svc.logs.kubernetes : undefined;
    if (svc.kubernetes) {
      // Without an explicit selector, pods are found by the conventional app=<deployment> label.
      const selector = pods?.selector ?? `app=${svc.kubernetes.deployment}`;
      const { KubernetesLogSource } = needed(modules.kubernetes, 'Kubernetes', 'add a kubernetes section');
      const source = new KubernetesLogSource({
        clients: clients.kubernetes(),
        namespace: svc.kubernetes.namespace,
        selector,
        container: pods?.container ?? svc.kubernetes.container,
        streams: clients.podLogStreams(),
        pollMs: tuning.pollMs,
        clock,
        log: svcLog,
      });
      if (pods) list.unshift({ kind: 'kubernetes', source });
      else list.push({ kind: 'kubernetes', source });
    }
    out.set(name, list);
  }
  return out;
}

export function logCenter(
  config: OpsdeckConfig,
  sources: Map<string, { kind: LogSourceKind; source: LogSource }[]>,
  tails: TailManager,
  chat: Chat,
  redactor: Redactor,
): LogCenter {
  const settings = config.logs;
  return {
    sources: (service) => sources.get(service) ?? [],
    tails,
    limits: {
      defaultFollowMs: parseDuration(settings?.defaultFollow ?? '10m')!,
      maxFollowMs: parseDuration(settings?.maxFollow ?? '30m')!,
      maxLines: settings?.maxLines ?? 2000,
    },
    redact: redactor.text,
    lineRedactor: () => lineRedactor(redactor),
    attach: (channel, file) => chat.upload(channel, file),
  };
}
