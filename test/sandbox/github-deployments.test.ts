import { describe, expect, it, vi } from 'vitest';
import { failureOf, octokitFor, seedApi, startGitHub } from './github-harness.ts';

const repo = { owner: 'acme', repo: 'api' };
const patient = { timeout: 5000, interval: 5 };

describe('GitHub emulator: deployments', () => {
  it('creates a deployment with GitHub defaults', async () => {
    const gh = await startGitHub({ autoProgress: false, login: 'opsdeck[bot]' });
    const { shas } = seedApi(gh);
    const { status, data } = await octokitFor(gh).rest.repos.createDeployment({ ...repo, ref: 'v1.0.0' });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      sha: shas[2],
      ref: 'v1.0.0',
      task: 'deploy',
      payload: {},
      environment: 'production',
      original_environment: 'production',
      production_environment: true,
      transient_environment: false,
      description: null,
      creator: { login: 'opsdeck[bot]', type: 'Bot' },
    });
    const id = 'id' in data ? data.id : 0;
    expect(data).toHaveProperty('statuses_url', `${gh.url}/repos/acme/api/deployments/${id}/statuses`);
  });

  it.each([
    { payload: { service: 'api', replicas: 3 }, expected: { service: 'api', replicas: 3 } },
    { payload: '{"service":"api"}', expected: '{"service":"api"}' },
  ])('keeps payload $payload as sent', async ({ payload, expected }) => {
    const gh = await startGitHub({ autoProgress: false });
    seedApi(gh);
    const { data } = await octokitFor(gh).rest.repos.createDeployment({
      ...repo,
      ref: 'main',
      payload,
      environment: 'staging',
      description: 'Deploy api to staging',
      transient_environment: true,
      auto_merge: false,
      required_contexts: [],
    });
    expect(data).toMatchObject({
      payload: expected,
      environment: 'staging',
      production_environment: false,
      transient_environment: true,
      description: 'Deploy api to staging',
    });
  });

  it.each([
    { body: { ref: 'nope' }, message: 'No ref found for: nope' },
    { body: {}, message: 'Validation Failed' },
    { body: { ref: 'main', environment: 7 }, message: 'Validation Failed' },
    { body: { ref: 'main', payload: [1] }, message: 'Validation Failed' },
  ])('refuses $body with 422', async ({ body, message }) => {
    const gh = await startGitHub({ autoProgress: false });
    seedApi(gh);
    // The bodies are ill-typed on purpose: the emulator must refuse what GitHub refuses.
    const error = await failureOf(
      octokitFor(gh).request('POST /repos/{owner}/{repo}/deployments', { ...repo, ...body } as never),
    );
    expect(error.status).toBe(422);
    expect(error.response.data.message).toBe(message);
    expect(error.response.data.errors).toBeInstanceOf(Array);
    expect(gh.deployments('acme/api')).toEqual([]);
  });

  it.each([
    { checks: { 'ci/test': 'failure' }, required: ['ci/test'], status: 409 },
    { checks: { 'ci/test': 'failure' }, required: undefined, status: 409 },
    { checks: { 'ci/test': 'failure' }, required: [], status: 201 },
    { checks: { 'ci/test': 'success', 'ci/lint': 'pending' }, required: ['ci/test'], status: 201 },
    { checks: { 'ci/test': 'success', 'ci/lint': 'pending' }, required: undefined, status: 409 },
    { checks: {}, required: ['ci/test'], status: 409 },
    { checks: {}, required: undefined, status: 201 },
  ] as const)(
    'gates on commit statuses $checks with required_contexts $required',
    async ({ checks, required, status }) => {
      const gh = await startGitHub({ autoProgress: false });
      seedApi(gh);
      for (const [context, state] of Object.entries(checks)) gh.setCommitStatus('acme/api', 'main', context, state);
      const call = octokitFor(gh).rest.repos.createDeployment({
        ...repo,
        ref: 'main',
        ...(required === undefined ? {} : { required_contexts: [...required] }),
      });
      if (status === 201) {
        expect((await call).status).toBe(201);
      } else {
        const error = await failureOf(call);
        expect(error.status).toBe(409);
        expect(error.response.data.message).toBe('Conflict: Commit status checks failed for main.');
        expect(error.response.data.errors).toEqual([
          expect.objectContaining({ field: 'required_contexts', contexts: expect.any(Array) }),
        ]);
      }
    },
  );

  it('lists deployments newest first with filters, and gets one by id', async () => {
    const gh = await startGitHub({ autoProgress: false });
    const { shas } = seedApi(gh);
    const octokit = octokitFor(gh);
    const create = (ref: string, environment: string, task = 'deploy') =>
      octokit.rest.repos.createDeployment({ ...repo, ref, environment, task, required_contexts: [] });
    await create('v1.0.0', 'staging');
    await create('main', 'staging');
    await create('main', 'prod', 'deploy:migrations');
    const ids = async (filter: Record<string, string>) =>
      (await octokit.rest.repos.listDeployments({ ...repo, ...filter })).data.map((d) => d.id);
    expect(await ids({})).toEqual([3, 2, 1]);
    expect(await ids({ environment: 'staging' })).toEqual([2, 1]);
    expect(await ids({ ref: 'v1.0.0' })).toEqual([1]);
    expect(await ids({ sha: shas[4] ?? '' })).toEqual([3, 2]);
    expect(await ids({ task: 'deploy:migrations' })).toEqual([3]);
    expect(await ids({ environment: 'qa' })).toEqual([]);
    const one = await octokit.rest.repos.getDeployment({ ...repo, deployment_id: 2 });
    expect(one.data).toMatchObject({ id: 2, ref: 'main', environment: 'staging' });
    expect((await failureOf(octokit.rest.repos.getDeployment({ ...repo, deployment_id: 99 }))).status).toBe(404);
  });

  it('records statuses newest first, with log_url mirrored into target_url', async () => {
    const gh = await startGitHub({ autoProgress: false });
    seedApi(gh);
    const octokit = octokitFor(gh);
    const { data: d } = await octokit.rest.repos.createDeployment({ ...repo, ref: 'main', environment: 'staging' });
    const deployment_id = 'id' in d ? d.id : 0;
    const created = await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id,
      state: 'in_progress',
      log_url: 'https://ci.example/logs/1',
      description: 'Rolling out',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      state: 'in_progress',
      target_url: 'https://ci.example/logs/1',
      environment: 'staging',
    });
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id,
      state: 'success',
      environment_url: 'https://staging.example',
    });
    const { data } = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id });
    expect(data.map((s) => [s.state, s.log_url, s.environment_url])).toEqual([
      ['success', '', 'https://staging.example'],
      ['in_progress', 'https://ci.example/logs/1', ''],
    ]);
  });

  it.each([{ body: { state: 'done' } }, { body: {} }, { body: { state: 'success', description: 'x'.repeat(141) } }])(
    'refuses status $body with 422',
    async ({ body }) => {
      const gh = await startGitHub({ autoProgress: false });
      seedApi(gh);
      const octokit = octokitFor(gh);
      await octokit.rest.repos.createDeployment({ ...repo, ref: 'main' });
      const route = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
      const error = await failureOf(octokit.request(route, { ...repo, deployment_id: 1, ...body } as never));
      expect(error.status).toBe(422);
      expect(gh.deployments('acme/api')[0]?.statuses).toEqual([]);
    },
  );

  it('moves the environment when a status names a new one', async () => {
    const gh = await startGitHub({ autoProgress: false });
    seedApi(gh);
    const octokit = octokitFor(gh);
    await octokit.rest.repos.createDeployment({ ...repo, ref: 'main', environment: 'staging' });
    await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: 1, state: 'queued', environment: 'qa' });
    const { data } = await octokit.rest.repos.getDeployment({ ...repo, deployment_id: 1 });
    expect(data).toMatchObject({ environment: 'qa', original_environment: 'staging' });
  });

  it.each([
    { autoInactive: undefined, environment: 'staging', earlier: 'inactive' },
    { autoInactive: true, environment: 'production', earlier: 'inactive' },
    { autoInactive: false, environment: 'staging', earlier: 'success' },
  ])(
    'a success with auto_inactive $autoInactive leaves the earlier $environment deployment $earlier',
    async ({ autoInactive, environment, earlier }) => {
      const gh = await startGitHub({ autoProgress: false });
      seedApi(gh);
      const octokit = octokitFor(gh);
      for (const env of [environment, environment, 'other']) {
        await octokit.rest.repos.createDeployment({ ...repo, ref: 'main', environment: env });
      }
      const succeed = (deployment_id: number, auto_inactive?: boolean) =>
        octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id, state: 'success', auto_inactive });
      await succeed(3);
      await succeed(1);
      await succeed(2, autoInactive);
      const latest = (id: number) =>
        gh
          .deployments('acme/api')
          .find((d) => d.id === id)
          ?.statuses.at(-1)?.state;
      expect([latest(1), latest(2), latest(3)]).toEqual([earlier, 'success', 'success']);
    },
  );
});

describe('GitHub emulator: simulated deploy system', () => {
  const statesOf = async (gh: Awaited<ReturnType<typeof startGitHub>>, id: number) =>
    (await octokitFor(gh).rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id })).data
      .map((s) => s.state)
      .reverse();

  it('progresses a new deployment to success on its own, with a log_url', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    const { data } = await octokitFor(gh).rest.repos.createDeployment({ ...repo, ref: 'main', environment: 'staging' });
    const id = 'id' in data ? data.id : 0;
    await vi.waitFor(async () => expect(await statesOf(gh, id)).toEqual(['queued', 'in_progress', 'success']), patient);
    const [latest] = (await octokitFor(gh).rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id })).data;
    expect(latest?.log_url).toBe(`${gh.webUrl}/acme/api/deployments/${id}/log`);
    expect(latest?.creator?.login).toBe('github-actions[bot]');
  });

  it('fails the next deployment on demand, then succeeds again', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    gh.failNextDeployment('acme/api');
    const octokit = octokitFor(gh);
    await octokit.rest.repos.createDeployment({ ...repo, ref: 'main' });
    await octokit.rest.repos.createDeployment({ ...repo, ref: 'main', environment: 'staging' });
    await vi.waitFor(async () => expect(await statesOf(gh, 1)).toEqual(['queued', 'in_progress', 'failure']), patient);
    await vi.waitFor(async () => expect(await statesOf(gh, 2)).toEqual(['queued', 'in_progress', 'success']), patient);
  });

  it('steps on demand when automatic progress is off, and stops at a status written by a client', async () => {
    const gh = await startGitHub({ autoProgress: false });
    seedApi(gh);
    const octokit = octokitFor(gh);
    await octokit.rest.repos.createDeployment({ ...repo, ref: 'main' });
    await octokit.rest.repos.createDeployment({ ...repo, ref: 'main', environment: 'staging' });
    expect(await statesOf(gh, 1)).toEqual([]);
    gh.step();
    expect(await statesOf(gh, 1)).toEqual(['queued']);
    await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: 2, state: 'error' });
    gh.step();
    gh.step();
    gh.step();
    expect(await statesOf(gh, 1)).toEqual(['queued', 'in_progress', 'success']);
    expect(await statesOf(gh, 2)).toEqual(['queued', 'error']);
  });
});
