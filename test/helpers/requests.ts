import type { SlackEmulator, StoredMessage } from '../../src/sandbox/slack/index.ts';
import type { Harness } from './harness.ts';
import { textOf } from './harness.ts';

/** The newest channel message (not a thread reply) whose text mentions `title`. */
export function requestIn(slack: SlackEmulator, title: string, channel = 'C0DEPLOYS'): StoredMessage | undefined {
  return slack
    .messages({ channel })
    .filter((m) => !m.threadTs && !m.ephemeralTo && m.text.includes(title))
    .at(-1);
}

export function requestIdOf(message: StoredMessage): string {
  const id = /`(req_[A-Za-z0-9_-]+)`/.exec(textOf(message))?.[1];
  if (!id) throw new Error(`no request id in ${message.text}`);
  return id;
}

export function hasButtons(message: StoredMessage): boolean {
  return JSON.stringify(message.blocks).includes('opsdeck.request.approve');
}

/** Clicks a request button as `user` and returns the HTTP status Slack would see. */
export async function click(
  h: Harness,
  user: string,
  message: StoredMessage,
  action: 'approve' | 'reject' | 'cancel',
  reason = 'Not now',
): Promise<number> {
  const res = await h.slack.sendBlockAction({
    user,
    channel: message.channel,
    messageTs: message.ts,
    actionId: `opsdeck.request.${action}`,
    value: requestIdOf(message),
  });
  if (action !== 'reject' || res.status !== 200) return res.status;
  // Reject asks for a reason in a modal; the rejection happens when it is submitted.
  await h.slack.waitFor(() => h.slack.modal(user));
  return (await h.slack.submitView({ user, values: { reason } })).status;
}

/** Waits until the request message shows a final state. */
export function settled(h: Harness, message: StoredMessage, timeoutMs = 15_000): Promise<StoredMessage> {
  return h.slack.waitFor(
    () => {
      const now = h.slack.messages({ channel: message.channel }).find((m) => m.ts === message.ts);
      return now &&
        /:white_check_mark:|:x:|:no_entry:|:hourglass:|:heavy_multiplication_x:|:fast_forward:/.test(now.text)
        ? now
        : undefined;
    },
    { timeoutMs },
  );
}

export async function nextEphemeral(h: Harness, user: string, act: () => Promise<unknown>): Promise<StoredMessage> {
  const before = h.slack.messages({ visibleTo: user }).filter((m) => m.ephemeralTo === user).length;
  await act();
  return h.slack.waitFor(() => h.slack.messages({ visibleTo: user }).filter((m) => m.ephemeralTo === user)[before]);
}

/** Sends a command and waits for the new request message it posts (not an older one with the same title). */
export async function newRequest(
  h: Harness,
  user: string,
  command: string,
  text: string,
  title: string,
): Promise<StoredMessage> {
  const seen = new Set(h.slack.messages({ channel: 'C0DEPLOYS' }).map((m) => m.ts));
  await h.slack.sendSlashCommand({ user, channel: 'C0DEPLOYS', command, text });
  return h.slack.waitFor(() => {
    const m = requestIn(h.slack, title);
    return m && !seen.has(m.ts) ? m : undefined;
  });
}

/** The audit actions recorded for one request, oldest first. */
export async function auditActions(h: Harness, requestId: string): Promise<string[]> {
  const store = h.openStore();
  try {
    return (await store.queryAudit({ limit: 1000 }))
      .filter((r) => r.requestId === requestId)
      .map((r) => r.action)
      .reverse();
  } finally {
    await store.close();
  }
}
