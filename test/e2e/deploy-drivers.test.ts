import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backends, startBackends } from '../helpers/backends.ts';
import { type Harness, startHarness, teamConfigText, textOf } from '../helpers/harness.ts';

// api deploys through the kubernetes driver with images tagged by ref; web through github-workflow.
let world: Backends;
let h: Harness;

beforeAll(async () => {
  world = await startBackends();
  h = await startHarness({ backends: world, configText: await teamConfigText() });
});
afterAll(async () => {
  await h?.stop();
  await world?.close();
});

const imageOf = (name: string) =>
  world.clusters.staging.getDeployment(name, name)?.spec.template.spec.containers[0]?.image;

describe('/deploy asks the service driver whether it can deploy the ref', () => {
  it('refuses a branch where images are tagged by ref, naming the setting that allows it', async () => {
    const reply = await h.run('U0ALICE', '/deploy', 'api staging main');
    expect(textOf(reply)).toContain('`main` is a branch, and images here are tagged by ref');
    expect(textOf(reply)).toContain('`services.api.deploy.tag: sha`');
    expect(imageOf('api')).toBe('ghcr.io/acme/api:v1.1.0');
  });

  it('plans a tag of the same service', async () => {
    const reply = await h.run('U0ALICE', '/deploy', 'api staging v1.2.0 --dry-run');
    expect(textOf(reply)).toContain('nothing was changed');
  });

  it('plans a branch of a service whose driver has no such rule', async () => {
    const reply = await h.run('U0ALICE', '/deploy', 'web staging main --dry-run');
    expect(textOf(reply)).toContain('nothing was changed');
  });
});
