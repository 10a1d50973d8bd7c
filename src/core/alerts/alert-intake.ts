import type { AlertStore, StoredAlertGroup } from '../../ports/alert-store.ts';
import type { Chat } from '../../ports/chat.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { AlertMetrics } from '../../ports/metrics.ts';
import type { RequestStore } from '../../ports/store.ts';
import type { Catalog } from '../catalog.ts';
import { envelopeOf } from '../changes/request-envelope.ts';
import { newId } from '../ids.ts';
import { clearWinner } from '../runbooks/clear-winner.ts';
import type { Runbooks } from '../runbooks/library.ts';
import { groupContent, type IncomingGroup, readContent } from './alert-group.ts';
import { type AlertRunbook, alertMessage, type RecentChange } from './alert-message.ts';
import { type AlertCatalog, type AlertRouting, alertChannel, alertTarget } from './routing.ts';
import { stormMessage } from './storm-message.ts';

export type AlertOutcome = 'posted' | 'updated' | 'resolved' | 'summarised' | 'unknown';

export interface AlertIntakeOptions {
  store: AlertStore;
  requests: Pick<RequestStore, 'listRequests'>;
  chat: Chat;
  runbooks: Runbooks;
  catalog: Catalog;
  alertCatalog: AlertCatalog;
  routing: AlertRouting;
  clock: Clock;
  log: Logger;
  metrics: AlertMetrics;
  /** How far back changes are shown, in ms and as people read it (`6h`). */
  recentChanges: { ms: number; text: string };
  scaleStep: number;
  /** Messages one channel gets a minute; groups beyond go into its storm summary. */
  perMinute: number;
  /** How long a storm summary waits to gather changes before it is edited (default 2 s). */
  stormRefreshMs?: number | undefined;
}

const MINUTE = 60_000;
const TRIES = 5;
const CHANGE_STATES = ['running', 'succeeded', 'failed'] as const;

/**
 * Turns alert groups into Slack messages: one per group, posted when it first fires and edited as it
 * repeats and resolves, found through the store so any replica edits the message another one posted.
 */
export class AlertIntake {
  readonly #o: AlertIntakeOptions;
  readonly #pendingStorms = new Set<string>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(options: AlertIntakeOptions) {
    this.#o = options;
  }

  async receive(group: IncomingGroup): Promise<AlertOutcome> {
    const outcome = await this.#receive(group);
    this.#o.metrics.alertHandled(group.source, outcome);
    this.#o.log.info({ source: group.source, key: group.key, status: group.status, outcome }, 'alert group handled');
    return outcome;
  }

  /** Waits for storm summaries still being edited, for shutdown and tests. */
  async drain(): Promise<void> {
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
  }

  async #receive(group: IncomingGroup): Promise<AlertOutcome> {
    const { store, clock, routing, alertCatalog } = this.#o;
    const key = `${group.source}:${group.key}`;
    const target = alertTarget(group.labels, routing, alertCatalog);
    const latest = await store.latestAlertGroup(key);
    if (group.status === 'resolved') {
      return latest ? this.#update(latest, group, target.severity) : 'unknown';
    }
    if (latest?.status === 'firing') return this.#update(latest, group, target.severity);
    const now = clock.now();
    const channel = alertChannel(routing, target);
    const storm = await this.#stormFor(channel, now);
    const { group: row, created } = await store.openAlertGroup({
      id: newId('alg'),
      kind: 'group',
      key,
      channel,
      service: target.service,
      env: target.env,
      content: groupContent(group, target.severity, now),
      summaryId: storm?.id,
      createdAt: now,
    });
    if (!created) return this.#update(row, group, target.severity);
    if (row.summaryId) {
      this.#refreshStorm(row.summaryId);
      return 'summarised';
    }
    await this.#post(row);
    return 'posted';
  }

  async #update(row: StoredAlertGroup, group: IncomingGroup, severity: string | undefined): Promise<AlertOutcome> {
    const { store, clock } = this.#o;
    let current = row;
    for (let i = 0; i < TRIES; i++) {
      const now = clock.now();
      const content = groupContent(group, severity, now, readContent(current.content));
      const resolvedAt = content.endedAt ? new Date(content.endedAt) : now;
      const updated = await store.updateAlertGroup(
        current.id,
        current.version,
        { status: group.status, content, resolvedAt: group.status === 'resolved' ? resolvedAt : undefined },
        now,
      );
      if (updated) {
        if (updated.summaryId) this.#refreshStorm(updated.summaryId);
        else if (updated.message) await this.#edit(updated);
        return group.status === 'resolved' ? 'resolved' : 'updated';
      }
      const again = await store.getAlertGroup(current.id);
      if (!again) break;
      current = again;
    }
    throw new Error(`alert group ${row.id} kept changing under ${TRIES} updates`);
  }

  async #post(row: StoredAlertGroup): Promise<void> {
    const { store, chat, clock } = this.#o;
    let posted: { ts: string };
    try {
      posted = await chat.post(row.channel, await this.#render(row));
    } catch (err) {
      // Closed, so the source's retry of this notification opens the group afresh and posts it.
      await store.updateAlertGroup(row.id, row.version, { status: 'resolved', content: row.content }, clock.now());
      throw err;
    }
    await store.setAlertGroupMessage(row.id, { channel: row.channel, ts: posted.ts });
    // Another notification of the group may have been stored while this one was being posted.
    const now = await store.getAlertGroup(row.id);
    if (now && now.version !== row.version) await this.#edit(now);
  }

  async #edit(row: StoredAlertGroup): Promise<void> {
    if (!row.message) return;
    await this.#o.chat.update(row.message.channel, row.message.ts, await this.#render(row));
  }

  async #render(row: StoredAlertGroup) {
    const content = readContent(row.content);
    if (!content) throw new Error(`alert group ${row.id} holds content this version cannot read`);
    const target = { service: row.service, env: row.env, severity: content.severity };
    const bounds = row.service ? this.#o.catalog.services[row.service]?.scale : undefined;
    return alertMessage({
      id: row.id,
      content,
      status: row.status,
      target,
      runbook: await this.#runbook(content.name, content.alerts[0]?.summary),
      changes: await this.#changes(row),
      changesWindow: this.#o.recentChanges.text,
      scaleStep: bounds ? this.#o.scaleStep : undefined,
    });
  }

  /** The runbook mapped to the alert's name, else the clear winner of a search for it. */
  async #runbook(name: string, summary: string | undefined): Promise<AlertRunbook | undefined> {
    try {
      const index = await this.#o.runbooks.index();
      let runbook = index.byAlert(name)[0];
      if (!runbook) {
        const hits = index.search([name.replace(/([a-z])([A-Z])/g, '$1 $2'), summary ?? ''].join(' '), 3);
        if (clearWinner(hits)) runbook = hits[0]!.runbook;
      }
      if (!runbook) return undefined;
      return { title: runbook.title, url: runbook.url, steps: runbook.steps.slice(0, 3).map((s) => s.command) };
    } catch (err) {
      // An alert is worth posting without its runbook.
      this.#o.log.warn({ err }, 'runbooks could not be read for an alert');
      return undefined;
    }
  }

  async #changes(row: StoredAlertGroup): Promise<RecentChange[]> {
    if (!row.service || !row.env) return [];
    const since = this.#o.clock.now().getTime() - this.#o.recentChanges.ms;
    const requests = await this.#o.requests.listRequests({
      service: row.service,
      env: row.env,
      states: CHANGE_STATES,
      newestFirst: true,
      limit: 10,
    });
    return requests
      .filter((r) => r.updatedAt.getTime() >= since)
      .slice(0, 5)
      .map((r) => ({ id: r.id, title: envelopeOf(r).title, requester: r.requester, at: r.updatedAt, state: r.state }));
  }

  /** The channel's open storm summary, when it got its share of messages in the last minute. */
  async #stormFor(channel: string, now: Date): Promise<StoredAlertGroup | undefined> {
    const { store, chat } = this.#o;
    const since = new Date(now.getTime() - MINUTE);
    const recent = await store.countAlertGroups({ channel, kind: 'group', ownMessage: true, createdSince: since });
    if (recent < this.#o.perMinute) return undefined;
    const { group: storm, created } = await store.openAlertGroup({
      id: newId('alg'),
      kind: 'storm',
      key: `storm:${channel}`,
      channel,
      content: {},
      createdAt: now,
    });
    if (created) {
      this.#o.log.warn({ channel, recent }, 'alert storm: further groups in this channel are summarised');
      let posted: { ts: string };
      try {
        posted = await chat.post(channel, stormMessage(storm, [], this.#o.perMinute));
      } catch (err) {
        // A summary nobody can see would hide its groups: closed, so the retry opens and posts a new one.
        await store.updateAlertGroup(storm.id, storm.version, { status: 'resolved', content: {} }, now);
        throw err;
      }
      await store.setAlertGroupMessage(storm.id, { channel, ts: posted.ts });
    }
    return storm;
  }

  /** Edits the storm summary once changes stop coming for a moment, so a storm costs few chat.update calls. */
  #refreshStorm(id: string): void {
    if (this.#pendingStorms.has(id)) return;
    this.#pendingStorms.add(id);
    const work = (async () => {
      await this.#o.clock.sleep(this.#o.stormRefreshMs ?? 2000);
      this.#pendingStorms.delete(id);
      await this.#renderStorm(id);
    })().catch((err: unknown) => this.#o.log.warn({ err, id }, 'the storm summary could not be updated'));
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #renderStorm(id: string): Promise<void> {
    const { store, chat, clock } = this.#o;
    const storm = await store.getAlertGroup(id);
    if (!storm) return;
    const members = await store.listAlertGroups({ summaryId: id });
    if (storm.message)
      await chat.update(storm.message.channel, storm.message.ts, stormMessage(storm, members, this.#o.perMinute));
    // Over once every member resolved: the next storm in the channel gets a summary of its own.
    if (storm.status === 'firing' && members.length && members.every((m) => m.status === 'resolved')) {
      await store.updateAlertGroup(storm.id, storm.version, { status: 'resolved', content: {} }, clock.now());
    }
  }
}
