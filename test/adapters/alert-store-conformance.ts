import { expect, it } from 'vitest';
import type { NewAlertGroup } from '../../src/ports/alert-store.ts';
import type { Store } from '../../src/ports/store.ts';

const T0 = new Date('2026-11-24T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function group(id: string, overrides: Partial<NewAlertGroup> = {}): NewAlertGroup {
  return {
    id,
    kind: 'group',
    key: 'alertmanager:{}:{alertname="HighErrorRate"}',
    channel: 'C0ALERTS',
    service: 'api',
    env: 'prod',
    content: { alerts: [{ labels: { alertname: 'HighErrorRate' } }] },
    createdAt: T0,
    ...overrides,
  };
}

/** The alert-group cases of the store conformance suite: every `Store` runs them with its own fixture. */
export function alertStoreCases(store: () => Store): void {
  it('opens one firing alert group per key, whoever asks first', async () => {
    const first = await store().openAlertGroup(group('alg_1'));
    const second = await store().openAlertGroup(group('alg_2', { createdAt: at(1) }));
    expect(first).toMatchObject({ created: true, group: { id: 'alg_1', status: 'firing', version: 1 } });
    expect(second).toMatchObject({ created: false, group: { id: 'alg_1' } });
    expect(first.group.content).toEqual({ alerts: [{ labels: { alertname: 'HighErrorRate' } }] });
    expect(await store().getAlertGroup('alg_2')).toBeUndefined();
  });

  it('opens both of two racing writers onto one row', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store().openAlertGroup(group(`alg_race${i}`))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.group.id)).size).toBe(1);
  });

  it('updates by compare-and-set and keeps the message', async () => {
    const { group: g } = await store().openAlertGroup(group('alg_1'));
    await store().setAlertGroupMessage('alg_1', { channel: 'C0ALERTS', ts: '1.000100' });
    const updated = await store().updateAlertGroup(g.id, g.version, { status: 'firing', content: { n: 2 } }, at(5));
    expect(updated).toMatchObject({ version: 2, content: { n: 2 }, updatedAt: at(5) });
    expect(updated?.message).toEqual({ channel: 'C0ALERTS', ts: '1.000100' });
    expect(await store().updateAlertGroup(g.id, g.version, { status: 'firing', content: {} }, at(6))).toBeUndefined();
    const resolved = await store().updateAlertGroup(
      g.id,
      2,
      { status: 'resolved', content: { n: 3 }, resolvedAt: at(7) },
      at(8),
    );
    expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: at(7), version: 3 });
  });

  it('opens a new row for a key whose group resolved, and finds the newest', async () => {
    const { group: g } = await store().openAlertGroup(group('alg_1'));
    await store().updateAlertGroup(g.id, g.version, { status: 'resolved', content: {} }, at(1));
    expect(await store().latestAlertGroup(g.key)).toMatchObject({ id: 'alg_1', status: 'resolved', resolvedAt: at(1) });
    const again = await store().openAlertGroup(group('alg_2', { createdAt: at(2) }));
    expect(again).toMatchObject({ created: true, group: { id: 'alg_2' } });
    expect(await store().latestAlertGroup(g.key)).toMatchObject({ id: 'alg_2', status: 'firing' });
    // The old row cannot fire again while the new one does.
    expect(await store().updateAlertGroup('alg_1', 2, { status: 'firing', content: {} }, at(3))).toBeUndefined();
    expect(await store().latestAlertGroup('no such key')).toBeUndefined();
  });

  it('opens a group as new even when handed a stored one: no message, not resolved, version 1', async () => {
    const { group: g } = await store().openAlertGroup(group('alg_1'));
    await store().setAlertGroupMessage('alg_1', { channel: 'C0ALERTS', ts: '1.000100' });
    const resolved = await store().updateAlertGroup(
      g.id,
      g.version,
      { status: 'resolved', content: {}, resolvedAt: at(1) },
      at(1),
    );
    const copy = { ...(await store().getAlertGroup('alg_1'))!, id: 'alg_2', key: 'generic:other', createdAt: at(2) };
    expect(copy).toMatchObject({ status: 'resolved', version: resolved?.version, message: { ts: '1.000100' } });
    const opened = await store().openAlertGroup(copy);
    expect(opened.created).toBe(true);
    expect(opened.group).toMatchObject({ id: 'alg_2', status: 'firing', version: 1, updatedAt: at(2) });
    expect(opened.group.message).toBeUndefined();
    expect(opened.group.resolvedAt).toBeUndefined();
  });

  it('lists and counts groups by channel, kind, summary and age, newest first', async () => {
    await store().openAlertGroup(group('alg_storm', { kind: 'storm', key: 'storm:C0ALERTS' }));
    for (let i = 1; i <= 3; i++) {
      await store().openAlertGroup(group(`alg_${i}`, { key: `k${i}`, createdAt: at(i), summaryId: 'alg_storm' }));
    }
    await store().openAlertGroup(group('alg_other', { key: 'k9', channel: 'C0OTHER', createdAt: at(2) }));
    const members = await store().listAlertGroups({ summaryId: 'alg_storm' });
    expect(members.map((g) => g.id)).toEqual(['alg_3', 'alg_2', 'alg_1']);
    expect(await store().listAlertGroups({ summaryId: 'alg_storm', limit: 1 })).toHaveLength(1);
    expect(await store().countAlertGroups({ channel: 'C0ALERTS', kind: 'group' })).toBe(3);
    expect(await store().countAlertGroups({ channel: 'C0ALERTS', ownMessage: true })).toBe(1);
    expect(await store().countAlertGroups({ kind: 'group', createdSince: at(2) })).toBe(3);
    expect(await store().countAlertGroups({ channel: 'C0NONE' })).toBe(0);
  });
}
