import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/adapters/store-sqlite/sqlite-store.ts';
import { AuditLog } from '../../../src/core/audit-log.ts';
import { remindDue } from '../../../src/core/changes/reminders.ts';
import { createRedactor } from '../../../src/core/redact.ts';
import { plainText, type Text } from '../../../src/core/text.ts';
import { ManualClock } from '../../helpers/clock.ts';
import { recordingLog } from '../../helpers/recorders.ts';

const T0 = new Date('2026-11-24T10:00:00.000Z');
const MINUTE = 60_000;
let store: SqliteStore;
let clock: ManualClock;
let told: { id: string; text: string }[];

const deps = () => ({
  requests: store,
  reminders: store,
  clock,
  audit: new AuditLog({ store, clock, redactor: createRedactor(), log: recordingLog().log }),
  board: { tell: async (req: { id: string }, text: Text) => void told.push({ id: req.id, text: plainText(text) }) },
  approvers: async () => [{ mention: 'U0BOB' }],
});

async function request(id: string, expiresInMin: number | undefined, direct = false) {
  await store.createRequest({
    id,
    kind: 'deploy',
    service: 'api',
    env: 'prod',
    requester: 'U0ALICE',
    channel: 'C0DEPLOYS',
    params: { title: 'Deploy api to prod', direct },
    hash: 'h',
    createdAt: T0,
    expiresAt: expiresInMin === undefined ? undefined : new Date(T0.getTime() + expiresInMin * MINUTE),
  });
}

beforeEach(() => {
  store = SqliteStore.open(':memory:', new ManualClock(T0));
  clock = new ManualClock(T0);
  told = [];
});
afterEach(async () => {
  await store.close();
});

describe('approval reminders', () => {
  it.each([
    ['before halfway', 14, 0],
    ['at halfway', 15, 1],
    ['just before expiry', 29, 1],
    ['at expiry (the expiry sweep takes it)', 30, 0],
  ])('%s: %i minutes in, %i reminder(s)', async (_label, minutes, reminded) => {
    await request('req_1', 30);
    await clock.advance(minutes * MINUTE);
    expect(await remindDue(deps())).toBe(reminded);
    expect(told.map((t) => t.id)).toEqual(reminded ? ['req_1'] : []);
  });

  it('reminds once, whatever the rounds, and never a request that expires never or needs no approval', async () => {
    await request('req_1', 30);
    await request('req_forever', undefined);
    await request('req_direct', 30, true);
    await clock.advance(20 * MINUTE);
    expect(await remindDue(deps())).toBe(1);
    expect(await remindDue(deps())).toBe(0);
    expect(told).toEqual([
      {
        id: 'req_1',
        text: ':hourglass_flowing_sand: @U0BOB: this still waits for approval; it expires at 2026-11-24 10:30 UTC.',
      },
    ]);
    const audited = await store.queryAudit({ limit: 10 });
    expect(audited.map((r) => [r.action, r.requestId])).toEqual([['approval.reminded', 'req_1']]);
  });
});
