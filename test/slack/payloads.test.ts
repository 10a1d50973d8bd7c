import { describe, expect, it } from 'vitest';
import { payloadProblem } from '../../src/slack/payloads.ts';

const form = (payload: unknown) => ({ payload: JSON.stringify(payload) });
const user = { id: 'U0ALICE' };
const view = { private_metadata: '{}', state: { values: {} } };

describe('payloadProblem for App Home, modals and shortcuts', () => {
  it.each([
    ['a view submission', { type: 'view_submission', user, view }, undefined],
    ['a view submission without a user', { type: 'view_submission', view }, 'user'],
    [
      'a view submission without state',
      { type: 'view_submission', user, view: { private_metadata: '' } },
      'view.state',
    ],
    ['a suggestion', { type: 'block_suggestion', user, action_id: 'opsdeck.form.ref', value: 'v1' }, undefined],
    ['a suggestion without its text', { type: 'block_suggestion', user, action_id: 'x' }, 'value'],
    ['a global shortcut', { type: 'shortcut', user, trigger_id: 't', callback_id: 'c' }, undefined],
    [
      'a message shortcut without its channel',
      { type: 'message_action', user, trigger_id: 't', callback_id: 'c', message: {} },
      'channel',
    ],
    ['an interaction opsdeck leaves to Bolt', { type: 'dialog_submission' }, undefined],
  ])('%s', (_label, payload, problem) => {
    const found = payloadProblem(form(payload), true);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});
