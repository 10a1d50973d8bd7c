import { describe, expect, it } from 'vitest';
import type { ArgoApplication } from '../../src/adapters/gitops/argocd-client.ts';
import { argoProblems, autoSyncEnabled, judgeApplication } from '../../src/adapters/gitops/argocd-state.ts';

const OURS = 'a'.repeat(40);
const LATER = 'b'.repeat(40);
const OLDER = 'c'.repeat(40);
const contains = (r: string) => r === OURS || r === LATER;

const app = (
  status: NonNullable<ArgoApplication['status']>,
  automated?: { enabled?: boolean } | null,
): ArgoApplication => ({
  spec: { syncPolicy: automated === undefined ? {} : { automated } },
  status,
});

describe('judging an Argo CD Application against a manifests commit', () => {
  it.each<[string, NonNullable<ArgoApplication['status']>, 'waiting' | 'done' | 'failed']>([
    [
      'still at the older revision',
      { sync: { status: 'OutOfSync', revision: OLDER }, health: { status: 'Healthy' } },
      'waiting',
    ],
    [
      'synced and healthy at ours',
      { sync: { status: 'Synced', revision: OURS }, health: { status: 'Healthy' } },
      'done',
    ],
    [
      'synced and healthy at a later commit',
      { sync: { status: 'Synced', revision: LATER }, health: { status: 'Healthy' } },
      'done',
    ],
    [
      'progressing at ours',
      { sync: { status: 'Synced', revision: OURS }, health: { status: 'Progressing' } },
      'waiting',
    ],
    ['degraded at ours', { sync: { status: 'Synced', revision: OURS }, health: { status: 'Degraded' } }, 'failed'],
    [
      'degraded before ours arrived',
      { sync: { status: 'Synced', revision: OLDER }, health: { status: 'Degraded' } },
      'waiting',
    ],
    [
      'a sync operation still running',
      {
        sync: { status: 'Synced', revision: OURS },
        health: { status: 'Healthy' },
        operationState: { phase: 'Running' },
      },
      'waiting',
    ],
    [
      'a failed sync of ours',
      {
        sync: { status: 'OutOfSync', revision: OLDER },
        health: { status: 'Healthy' },
        operationState: {
          phase: 'Failed',
          message: 'one or more objects failed to apply',
          syncResult: { revision: OURS },
        },
      },
      'failed',
    ],
    [
      'a failed sync of an older commit',
      {
        sync: { status: 'OutOfSync', revision: OLDER },
        operationState: { phase: 'Failed', syncResult: { revision: OLDER } },
      },
      'waiting',
    ],
  ])('%s', (_name, status, state) => {
    expect(judgeApplication(app(status), OURS, contains).state).toBe(state);
  });

  it('reports sync, health, operation and images in one line', () => {
    const line = judgeApplication(
      app({
        sync: { status: 'Synced', revision: OURS },
        health: { status: 'Progressing' },
        operationState: { phase: 'Running' },
        summary: { images: ['ghcr.io/acme/billing:v1.5.0'] },
      }),
      OURS,
      contains,
    ).line;
    expect(line).toBe(
      'Argo CD: Synced, Progressing, sync operation Running at aaaaaaa; images ghcr.io/acme/billing:v1.5.0',
    );
  });

  it('says what Argo CD says went wrong', () => {
    expect(
      argoProblems(
        app({
          health: { status: 'Degraded' },
          operationState: { phase: 'Failed', message: 'hook failed' },
          resources: [
            {
              kind: 'Deployment',
              name: 'billing',
              health: { status: 'Degraded', message: 'Deployment "billing" exceeded its progress deadline' },
            },
            { kind: 'Service', name: 'billing', health: { status: 'Healthy' } },
          ],
        }),
      ),
    ).toBe(
      'sync failed: hook failed; Deployment billing Degraded: Deployment "billing" exceeded its progress deadline',
    );
  });

  it.each<[string, { enabled?: boolean } | null | undefined, boolean]>([
    ['no automated policy', undefined, false],
    ['automated: null', null, false],
    ['automated: {}', {}, true],
    ['automated with enabled: false', { enabled: false }, false],
  ])('auto-sync with %s is %s', (_name, automated, enabled) => {
    expect(autoSyncEnabled(app({}, automated))).toBe(enabled);
  });
});
