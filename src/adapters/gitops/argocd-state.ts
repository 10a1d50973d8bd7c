import type { ArgoApplication } from './argocd-client.ts';

export interface ArgoJudgement {
  state: 'waiting' | 'done' | 'failed';
  /** One progress line: sync, health, operation, images. */
  line: string;
}

const FAILED_PHASES = new Set(['Failed', 'Error']);

/** Whether the Application syncs by itself. */
export function autoSyncEnabled(app: ArgoApplication): boolean {
  const automated = app.spec?.syncPolicy?.automated;
  return automated !== undefined && automated !== null && automated.enabled !== false;
}

/** `Synced, Healthy` (with the operation phase while one runs), for status and progress. */
export function describeApp(app: ArgoApplication): string {
  const s = app.status ?? {};
  const parts = [s.sync?.status ?? 'Unknown sync', s.health?.status ?? 'Unknown health'];
  const phase = s.operationState?.phase;
  if (phase && phase !== 'Succeeded') parts.push(`sync operation ${phase}`);
  return parts.join(', ');
}

/**
 * Where an Application stands against the manifests commit `wanted`: `contains(revision)` says whether
 * the revision Argo CD synced includes it (the same commit or a later one on the branch). Converged is
 * Synced and Healthy at such a revision with no operation running; Synced and Degraded there, or a
 * sync operation of it that failed, is a failure.
 */
export function judgeApplication(
  app: ArgoApplication,
  wanted: string,
  contains: (revision: string) => boolean,
): ArgoJudgement {
  const s = app.status ?? {};
  const revision = s.sync?.revision;
  const images = s.summary?.images?.length ? `; images ${s.summary.images.join(', ')}` : '';
  const at = revision ? ` at ${revision.slice(0, 7)}` : '';
  const line = `Argo CD: ${describeApp(app)}${at}${images}`;
  const op = s.operationState;
  const opRevision = op?.syncResult?.revision;
  if (op?.phase && FAILED_PHASES.has(op.phase) && opRevision && contains(opRevision)) {
    return { state: 'failed', line };
  }
  if (!revision || !contains(revision)) {
    return { state: 'waiting', line: `${line} (waiting for ${wanted.slice(0, 7)})` };
  }
  // Health describes what runs: only once it runs this revision does Degraded say the change failed.
  if (s.health?.status === 'Degraded' && s.sync?.status === 'Synced') return { state: 'failed', line };
  if (op?.phase === 'Running' || op?.phase === 'Terminating') return { state: 'waiting', line };
  if (s.sync?.status === 'Synced' && s.health?.status === 'Healthy') return { state: 'done', line };
  return { state: 'waiting', line };
}

/** What Argo CD says went wrong: the operation's message, the health message, degraded resources, conditions. */
export function argoProblems(app: ArgoApplication): string {
  const s = app.status ?? {};
  const said: string[] = [];
  const op = s.operationState;
  if (op?.phase && op.phase !== 'Succeeded' && op.message) said.push(`sync ${op.phase.toLowerCase()}: ${op.message}`);
  if (s.health?.message) said.push(s.health.message);
  for (const r of s.resources ?? []) {
    const health = r.health?.status;
    if (health === 'Degraded' || health === 'Missing') {
      said.push(`${r.kind ?? 'resource'} ${r.name ?? ''} ${health}${r.health?.message ? `: ${r.health.message}` : ''}`);
    }
  }
  for (const c of s.conditions ?? []) if (c.message) said.push(`${c.type ?? 'condition'}: ${c.message}`);
  return said.join('; ');
}
