import { afterEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { eventually } from '../helpers/eventually.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
let world: Backends | undefined;
afterEach(async () => {
  await h?.stop();
  await world?.close();
  h = undefined;
  world = undefined;
});

const readyz = async () => {
  const res = await fetch(`${h!.baseUrl}/readyz`);
  return { status: res.status, body: await res.text() };
};

describe('/readyz', () => {
  it('is ready once Slack accepts the token', async () => {
    h = await startHarness();
    await eventually(async () => (await readyz()).status === 200, '/readyz to answer 200');
    expect(await readyz()).toEqual({ status: 200, body: 'ready\n' });
  });

  it('is not ready while Slack refuses the token, names the fix, and recovers when Slack accepts it', async () => {
    h = await startHarness();
    h.slack.failMethod('auth.test', { error: 'invalid_auth' });
    await eventually(async () => (await readyz()).status === 503, '/readyz to answer 503');
    const refused = await readyz();
    expect(refused.body).toContain('Slack refused the bot token (invalid_auth)');
    expect(refused.body).toContain('SLACK_BOT_TOKEN');
    h.slack.clearFailures();
    await eventually(async () => (await readyz()).status === 200, '/readyz to answer 200');
  });

  it('is not ready while Slack cannot be reached', async () => {
    h = await startHarness();
    h.slack.failMethod('auth.test', { status: 503 });
    await eventually(async () => (await readyz()).status === 503, '/readyz to answer 503');
    expect((await readyz()).body).toContain('Slack');
  });

  it('is not ready while nothing answers at Slack, and what the Slack client says of it is in the log', async () => {
    h = await startHarness();
    await h.slack.close();
    await eventually(async () => (await readyz()).status === 503, '/readyz to answer 503');
    // A JSON line of the log, not a `[WARN]  web-api:WebClient` line printed beside it.
    const warned = (l: string) => l.includes('"component":"slack-api"') && l.includes('http request failed');
    await eventually(() => h!.logs.some(warned), "the Slack client's warning in the log");
  });
});

describe('Slack failing while opsdeck starts', () => {
  it('does not leave the bot refusing every later command once Slack is back', async () => {
    h = await startHarness();
    h.slack.failMethod('auth.test', { error: 'internal_error' });
    await h.restartBot();
    h.slack.clearFailures();
    const reply = await h.run('U0CAROL', '/ops', 'whoami');
    expect(reply.text).toContain('viewer');
  });
});

describe('start-up checks of the backends', () => {
  it('log what is missing for GitHub and each Kubernetes context, naming what to set', async () => {
    h = await startHarness({ kubeconfig: 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n' });
    const problems = () => h!.logs.filter((l) => l.includes('"component":"preflight"') && l.includes('"level":50'));
    await eventually(() => problems().length >= 3, 'three preflight problems in the log');
    const text = problems().join('\n');
    expect(text).toContain('GITHUB_TOKEN is not set (used by api, web, worker, billing)');
    expect(text).toContain('Kubernetes staging: context \\"staging\\" is not in the kubeconfig');
    expect(text).toContain('Kubernetes prod: context \\"prod\\" is not in the kubeconfig');
  });

  it('log that each backend is usable when it is', async () => {
    world = await startBackends();
    h = await startHarness({ backends: world });
    const fine = () => h!.logs.filter((l) => l.includes('"component":"preflight"') && l.includes('"level":30'));
    await eventually(() => fine().length >= 4, 'four preflight successes in the log');
    const text = fine().join('\n');
    expect(text).toContain('GitHub: token accepted');
    expect(text).toContain('AWS: region us-east-1, credentials found');
    expect(text).toMatch(/Kubernetes staging: context \\"staging\\" reachable/);
    expect(text).toMatch(/Kubernetes prod: context \\"prod\\" reachable/);
  });
});
