/** An alert group's message: one per group, edited in place as the group fires, repeats and resolves. */
export type AlertGroupStatus = 'firing' | 'resolved';

/**
 * `group` rows are alert groups as their source grouped them (Alertmanager's `groupKey`, a CloudWatch
 * alarm, a generic `group`); a `storm` row is a channel's summary of the groups that came in faster
 * than the channel may show them one message each.
 */
export type AlertGroupKind = 'group' | 'storm';

export interface NewAlertGroup {
  id: string;
  kind: AlertGroupKind;
  /** Source and group key (`alertmanager:{}/{}:{alertname="X"}`); at most one firing row per key. */
  key: string;
  channel: string;
  service?: string | undefined;
  env?: string | undefined;
  /** The group as the intake read it (alerts, labels, annotations): what its message shows. */
  content: Record<string, unknown>;
  /** The storm summary this group is shown in, instead of a message of its own. */
  summaryId?: string | undefined;
  createdAt: Date;
}

export interface StoredAlertGroup extends NewAlertGroup {
  status: AlertGroupStatus;
  resolvedAt?: Date | undefined;
  updatedAt: Date;
  /** Increments on every change; the basis of compare-and-set. */
  version: number;
  message?: { channel: string; ts: string } | undefined;
}

export interface AlertGroupFilter {
  channel?: string | undefined;
  kind?: AlertGroupKind | undefined;
  summaryId?: string | undefined;
  /** Only groups with a message of their own (no `summaryId`). */
  ownMessage?: boolean | undefined;
  createdSince?: Date | undefined;
  limit?: number | undefined;
}

/** Alert groups and their Slack messages, shared by every replica so a repeat edits the same message. */
export interface AlertStore {
  /**
   * Stores a firing group unless a firing one with its key exists; either way returns the firing one, and
   * `created` says whether it is this one. Exactly one caller creates it, on any replica.
   */
  openAlertGroup(group: NewAlertGroup): Promise<{ group: StoredAlertGroup; created: boolean }>;
  getAlertGroup(id: string): Promise<StoredAlertGroup | undefined>;
  /** The newest row with this key, firing or resolved. */
  latestAlertGroup(key: string): Promise<StoredAlertGroup | undefined>;
  /**
   * Compare-and-set on `version`: the new content and status (`resolvedAt` with `resolved`); undefined
   * when another writer changed it first.
   */
  updateAlertGroup(
    id: string,
    version: number,
    patch: { status: AlertGroupStatus; content: Record<string, unknown>; resolvedAt?: Date | undefined },
    at: Date,
  ): Promise<StoredAlertGroup | undefined>;
  setAlertGroupMessage(id: string, message: { channel: string; ts: string }): Promise<void>;
  /** Newest first. */
  listAlertGroups(filter: AlertGroupFilter): Promise<StoredAlertGroup[]>;
  /** How many rows match: the storm check counts the messages a channel got in the last minute. */
  countAlertGroups(filter: AlertGroupFilter): Promise<number>;
}
