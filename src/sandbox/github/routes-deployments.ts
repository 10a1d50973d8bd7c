import { Body } from './body.ts';
import { deploymentJson, deploymentStatusJson } from './deployment-json.ts';
import { isDeploymentState, type DeploymentRecord } from './deployments.ts';
import { invalidField, notFound } from './errors.ts';
import { paginate } from './pagination.ts';
import type { Repository } from './repository.ts';
import type { RouteState } from './route-state.ts';
import type { Route } from './router.ts';

const BASE = '/repos/:owner/:repo/deployments';

export function deploymentRoutes(state: RouteState): Route[] {
  const { links } = state;
  const find = (params: Readonly<Record<string, string>>): [Repository, DeploymentRecord] => {
    const repo = state.repo(params);
    const deployment = state.deployments.get(repo, Number(params.id));
    if (!deployment) throw notFound();
    return [repo, deployment];
  };
  return [
    {
      method: 'POST',
      pattern: BASE,
      handler: ({ params, body: raw }) => {
        const repo = state.repo(params);
        const body = new Body(raw, 'Deployment');
        // Type-checked like GitHub, but merging the default branch into the ref (202) is not emulated.
        body.boolean('auto_merge');
        const deployment = state.deployments.create(
          repo,
          {
            ref: body.requiredString('ref'),
            task: body.string('task'),
            requiredContexts: body.strings('required_contexts'),
            payload: body.objectOrString('payload'),
            environment: body.string('environment'),
            description: body.string('description'),
            transient: body.boolean('transient_environment'),
            production: body.boolean('production_environment'),
          },
          state.login,
          state.now(),
        );
        state.simulator.deploymentCreated(repo, deployment);
        return { status: 201, body: deploymentJson(links, repo, deployment) };
      },
    },
    {
      method: 'GET',
      pattern: BASE,
      handler: ({ params, url }) => {
        const repo = state.repo(params);
        const q = url.searchParams;
        const filter = { environment: q.get('environment'), ref: q.get('ref'), sha: q.get('sha'), task: q.get('task') };
        const page = paginate(state.deployments.list(repo, filter), url);
        return { status: 200, body: page.items.map((d) => deploymentJson(links, repo, d)), headers: page.headers };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/:id`,
      handler: ({ params }) => {
        const [repo, deployment] = find(params);
        return { status: 200, body: deploymentJson(links, repo, deployment) };
      },
    },
    {
      method: 'POST',
      pattern: `${BASE}/:id/statuses`,
      handler: ({ params, body: raw }) => {
        const [repo, deployment] = find(params);
        const body = new Body(raw, 'DeploymentStatus');
        const wanted = body.requiredString('state');
        if (!isDeploymentState(wanted)) {
          throw invalidField('DeploymentStatus', 'state', 'state is not included in the list');
        }
        const status = state.deployments.addStatus(
          repo,
          deployment,
          {
            state: wanted,
            description: body.string('description'),
            environment: body.string('environment'),
            logUrl: body.string('log_url') ?? body.string('target_url'),
            environmentUrl: body.string('environment_url'),
            autoInactive: body.boolean('auto_inactive'),
          },
          state.login,
          state.now(),
        );
        return { status: 201, body: deploymentStatusJson(links, repo, deployment, status) };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/:id/statuses`,
      handler: ({ params, url }) => {
        const [repo, deployment] = find(params);
        const page = paginate([...deployment.statuses].reverse(), url);
        return {
          status: 200,
          body: page.items.map((s) => deploymentStatusJson(links, repo, deployment, s)),
          headers: page.headers,
        };
      },
    },
  ];
}
