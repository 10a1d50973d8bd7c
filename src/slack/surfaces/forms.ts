import type { Catalog } from '../../core/catalog.ts';
import { allowedTargets } from '../../core/home/targets.ts';
import type { Permissions } from '../../core/policy.ts';

/** The commands that open a form when run with no arguments. */
export const FORM_FAMILIES = ['deploy', 'rollback', 'scale', 'logs'] as const;
export type FormFamily = (typeof FORM_FAMILIES)[number];

export const FORM_CALLBACK = 'opsdeck.form';
export const REF_ACTION = 'opsdeck.form.ref';

/** What a form carries through Slack and back: which command, and where its answers go. */
export interface FormMetadata {
  family: FormFamily;
  /** The channel the command was run in; absent when opened from a global shortcut (the form asks). */
  channel?: string | undefined;
}

export const isFormFamily = (family: string): family is FormFamily =>
  (FORM_FAMILIES as readonly string[]).includes(family);

type View = Record<string, unknown>;
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const option = (value: string) => ({ text: plain(value), value });

const TITLES: Record<FormFamily, string> = {
  deploy: 'Deploy',
  rollback: 'Roll back',
  scale: 'Scale',
  logs: 'Logs',
};

function input(blockId: string, label: string, element: View, optional = false, hint?: string): View {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional,
    element: { action_id: blockId, ...element },
    ...(hint ? { hint: plain(hint) } : {}),
  };
}

const text = (placeholder: string, multiline = false) => ({
  type: 'plain_text_input',
  placeholder: plain(placeholder),
  ...(multiline ? { multiline: true, max_length: 500 } : {}),
});
const checkbox = (value: string, label: string) => ({ type: 'checkboxes', options: [{ text: plain(label), value }] });

/**
 * The modal for `/deploy` (and the others) run with no arguments. Its pickers list only the services and
 * environments where the person's roles grant the command's verb, by the same policy the command checks.
 * Returns undefined when there is nothing they may do.
 */
export function formView(
  family: FormFamily,
  meta: FormMetadata,
  access: { catalog: Catalog; permissions: Permissions; roles: readonly string[]; slash: string },
): View | undefined {
  const targets = allowedTargets(access.catalog, access.permissions, access.roles, [family]);
  if (!targets.length) return undefined;
  const services = [...new Set(targets.map((x) => x.service))];
  const envs = [...new Set(targets.map((x) => x.env))];
  const blocks: View[] = [];
  if (!meta.channel) {
    blocks.push(
      input(
        'channel',
        'Post in',
        {
          type: 'conversations_select',
          default_to_current_conversation: true,
          filter: { include: ['public', 'private'] },
        },
        false,
        'Requests and progress are posted in this channel; opsdeck must be a member.',
      ),
    );
  }
  const select = (values: string[]) => ({
    type: 'static_select',
    options: values.map(option),
    ...(values.length === 1 ? { initial_option: option(values[0]!) } : {}),
  });
  blocks.push(input('service', 'Service', select(services)), input('env', 'Environment', select(envs)));
  if (family === 'deploy') {
    const ref = {
      type: 'external_select',
      action_id: REF_ACTION,
      min_query_length: 0,
      placeholder: plain('v1.4.2, main…'),
    };
    blocks.push({
      ...input('ref', 'Ref', ref, true, "Recent tags and branches; the service's default when empty."),
      element: ref,
    });
  }
  if (family === 'rollback')
    blocks.push(input('to', 'To', text('a revision or ref'), true, 'Default: the version before.'));
  if (family === 'scale')
    blocks.push(input('replicas', 'Replicas', { type: 'number_input', is_decimal_allowed: false, min_value: '0' }));
  if (family === 'logs') {
    blocks.push(
      input('since', 'Since', text('15m, 2h or an ISO time'), true),
      input('grep', 'Only lines matching', text('a pattern'), true),
      input('follow', 'Follow', checkbox('follow', 'Follow live in a thread'), true),
    );
  } else {
    blocks.push(
      input('reason', 'Reason', text('why; shown to approvers and kept in the audit log', true), true),
      input('options', 'Options', checkbox('dry-run', 'Dry run: show the plan, change nothing'), true),
    );
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Runs \`${access.slash}\` as you, like typing it.` }],
  });
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: plain(TITLES[family]),
    submit: plain(family === 'logs' ? 'Show' : TITLES[family]),
    close: plain('Cancel'),
    blocks,
  };
}

/** A form's metadata as it came back, checked: Slack returns it, but a payload is never trusted. */
export function readMetadata(raw: string | undefined): FormMetadata | undefined {
  try {
    const parsed = JSON.parse(raw ?? '') as Partial<FormMetadata>;
    if (typeof parsed.family !== 'string' || !isFormFamily(parsed.family)) return undefined;
    const channel =
      typeof parsed.channel === 'string' && /^[CDG][A-Z0-9]+$/.test(parsed.channel) ? parsed.channel : undefined;
    return { family: parsed.family, channel };
  } catch {
    return undefined;
  }
}
