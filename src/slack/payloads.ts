import { z } from 'zod';

// Only what opsdeck reads is required; Slack adds fields over time and those must pass.
const id = z.string().min(1);

const slashCommand = z.object({
  command: z.string().regex(/^\/\S+$/),
  text: z.string().optional(),
  user_id: id,
  channel_id: id,
  trigger_id: id,
  response_url: z.string().url(),
});

const blockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id }),
  trigger_id: id,
  actions: z.array(z.object({ action_id: z.string() })).min(1),
});

const user = z.object({ id });

// The newer surfaces: what their handlers read must be there, whatever else Slack sends.
const surfaces: Record<string, z.ZodType> = {
  view_submission: z.object({
    user,
    view: z.object({ private_metadata: z.string(), state: z.object({ values: z.record(z.string(), z.unknown()) }) }),
  }),
  view_closed: z.object({ user }),
  block_suggestion: z.object({ user, action_id: z.string(), value: z.string() }),
  shortcut: z.object({ user, trigger_id: id, callback_id: z.string() }),
  message_action: z.object({
    user,
    trigger_id: id,
    callback_id: z.string(),
    channel: z.object({ id }),
    message: z.object({ text: z.string().optional() }),
  }),
};

const interactive = z.object({ type: z.string() });

/**
 * Why a signed request's body is not a payload opsdeck can act on, or undefined when it is (or is a kind
 * opsdeck leaves to Bolt, which acknowledges and ignores it). Never trust a payload's shape: a signed
 * body with a missing user must be refused, not crash a handler.
 */
export function payloadProblem(body: unknown, form: boolean): string | undefined {
  if (!form) return body && typeof body === 'object' ? undefined : 'body is not JSON';
  const fields = body as Record<string, unknown>;
  if (typeof fields.payload === 'string') {
    let payload: unknown;
    try {
      payload = JSON.parse(fields.payload);
    } catch {
      return 'payload is not JSON';
    }
    const kind = interactive.safeParse(payload);
    if (!kind.success) return 'payload has no type';
    if (kind.data.type === 'block_actions') return describe(blockActions.safeParse(payload));
    const shape = surfaces[kind.data.type];
    return shape ? describe(shape.safeParse(payload)) : undefined;
  }
  if ('command' in fields) return describe(slashCommand.safeParse(fields));
  return 'neither a slash command nor an interaction payload';
}

function describe(result: z.ZodSafeParseResult<unknown>): string | undefined {
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  return `${issue.path.join('.') || 'payload'}: ${issue.message}`;
}
