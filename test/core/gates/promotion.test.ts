import { describe, expect, it } from 'vitest';
import { evaluatePromotion, promotionBlocks } from '../../../src/core/gates/promotion.ts';
import type { RequestState, StoredRequest } from '../../../src/ports/store.ts';

const NOW = new Date('2026-11-25T10:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);

function deploy(id: string, state: RequestState, finishedMinutesAgo: number, sha: string | null = SHA): StoredRequest {
  return {
    id,
    kind: 'deploy',
    service: 'api',
    env: 'staging',
    requester: 'U0ALICE',
    channel: 'C0DEPLOYS',
    params: { exec: { ref: sha ? 'main' : 'v1.2.0', sha, reason: null, autoRollback: false } },
    hash: 'h',
    createdAt: minutesAgo(finishedMinutesAgo + 2),
    updatedAt: minutesAgo(finishedMinutesAgo),
    state,
    version: 3,
  };
}

const promotion = { from: 'staging', bake: '30m' };

describe('evaluatePromotion', () => {
  it.each<{ label: string; history: StoredRequest[]; kind: string; detail?: Record<string, unknown> }>([
    {
      label: 'succeeded 45m ago',
      history: [deploy('r1', 'succeeded', 45)],
      kind: 'baked',
      detail: { requestId: 'r1' },
    },
    { label: 'succeeded exactly 30m ago', history: [deploy('r1', 'succeeded', 30)], kind: 'baked' },
    {
      label: 'succeeded 10m ago',
      history: [deploy('r1', 'succeeded', 10)],
      kind: 'baking',
      detail: { readyAt: new Date('2026-11-25T10:20:00Z') },
    },
    {
      label: 'redeployed: the first success counts',
      history: [deploy('r2', 'succeeded', 5), deploy('r1', 'succeeded', 40)],
      kind: 'baked',
      detail: { requestId: 'r1' },
    },
    { label: 'never deployed', history: [], kind: 'absent', detail: { latest: undefined } },
    { label: 'another commit succeeded', history: [deploy('r1', 'succeeded', 90, OTHER)], kind: 'absent' },
    {
      label: 'only failed there',
      history: [deploy('r1', 'failed', 50), deploy('r2', 'running', 0)],
      kind: 'absent',
      detail: { latest: expect.objectContaining({ id: 'r2', state: 'running' }) },
    },
  ])('$label → $kind', ({ history, kind, detail }) => {
    const gate = evaluatePromotion({ promotion, commit: { ref: 'main', sha: SHA }, history, now: NOW });
    expect(gate).toMatchObject({ kind, ...detail });
    expect(promotionBlocks(gate)).toBe(kind !== 'baked');
  });

  it('is not asked for without a promotion rule', () => {
    const gate = evaluatePromotion({ promotion: undefined, commit: { ref: 'main' }, history: [], now: NOW });
    expect(gate).toEqual({ kind: 'none' });
    expect(promotionBlocks(gate)).toBe(false);
  });

  it('matches by ref when the service resolves no commits', () => {
    const history = [deploy('r1', 'succeeded', 60, null)];
    expect(evaluatePromotion({ promotion, commit: { ref: 'v1.2.0' }, history, now: NOW }).kind).toBe('baked');
    expect(evaluatePromotion({ promotion, commit: { ref: 'v1.3.0' }, history, now: NOW }).kind).toBe('absent');
  });

  it('counts only deploys: a rollback that ran the commit does not promote it', () => {
    const rollback = { ...deploy('r1', 'succeeded', 60), kind: 'rollback' };
    const gate = evaluatePromotion({ promotion, commit: { ref: 'main', sha: SHA }, history: [rollback], now: NOW });
    expect(gate.kind).toBe('absent');
  });
});
