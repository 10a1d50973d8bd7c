import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ socketMode: true });
});
afterEach(() => h?.stop());

describe('App Home and forms over Socket Mode', () => {
  it('publishes the home on app_home_opened delivered as an events_api envelope', async () => {
    const res = await h.slack.openHome('U0CAROL');
    expect(res.status).toBe(200);
    const home = await h.slack.waitFor(() => h.slack.home('U0CAROL'));
    expect(JSON.stringify(home.view.blocks)).toContain('Your roles: `viewer`');
  });

  it('answers a refused form in the submission ack, so the modal shows it', async () => {
    await h.slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/scale' });
    await h.slack.waitFor(() => h.slack.modal('U0ALICE'));
    const res = await h.slack.submitView({ user: 'U0ALICE', values: { service: 'api', env: 'prod', replicas: '3' } });
    expect(res.status).toBe(200);
    expect(h.slack.modal('U0ALICE')?.errors?.env).toContain('needs role');
  });
});
