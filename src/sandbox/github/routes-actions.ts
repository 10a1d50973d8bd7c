import { runJson, runUrls, workflowJson } from './actions-json.ts';
import { Body } from './body.ts';
import { notFound } from './errors.ts';
import { paginate } from './pagination.ts';
import type { Repository } from './repository.ts';
import type { RouteState } from './route-state.ts';
import type { Reply, Route } from './router.ts';
import type { RunFilter, WorkflowRecord } from './workflows.ts';

const BASE = '/repos/:owner/:repo/actions';

export function actionsRoutes(state: RouteState): Route[] {
  const { links } = state;
  const findWorkflow = (params: Readonly<Record<string, string>>): [Repository, WorkflowRecord] => {
    const repo = state.repo(params);
    const workflow = state.workflows.find(repo, params.workflow ?? '');
    if (!workflow) throw notFound();
    return [repo, workflow];
  };
  const listRuns = (repo: Repository, url: URL, workflowId?: number): Reply => {
    const q = url.searchParams;
    const filter: RunFilter = {
      workflowId,
      event: q.get('event'),
      branch: q.get('branch'),
      actor: q.get('actor'),
      status: q.get('status'),
      created: q.get('created'),
      headSha: q.get('head_sha'),
    };
    const runs = state.workflows.runs(repo, filter);
    const page = paginate(runs, url);
    const workflowRuns = page.items.flatMap((run) => {
      const workflow = state.workflows.find(repo, String(run.workflowId));
      return workflow ? [runJson(links, repo, run, workflow)] : [];
    });
    return { status: 200, body: { total_count: runs.length, workflow_runs: workflowRuns }, headers: page.headers };
  };

  return [
    {
      method: 'GET',
      pattern: `${BASE}/workflows`,
      handler: ({ params, url }) => {
        const repo = state.repo(params);
        const workflows = state.workflows.list(repo);
        const page = paginate(workflows, url);
        const body = { total_count: workflows.length, workflows: page.items.map((w) => workflowJson(links, repo, w)) };
        return { status: 200, body, headers: page.headers };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/workflows/:workflow`,
      handler: ({ params }) => {
        const [repo, workflow] = findWorkflow(params);
        return { status: 200, body: workflowJson(links, repo, workflow) };
      },
    },
    {
      method: 'POST',
      pattern: `${BASE}/workflows/:workflow/dispatches`,
      handler: ({ params, body: raw }) => {
        const [repo, workflow] = findWorkflow(params);
        const body = new Body(raw, 'Workflow');
        const details = body.boolean('return_run_details') === true;
        const request = { ref: body.requiredString('ref'), inputs: body.object('inputs') ?? {}, actor: state.login };
        const run = state.workflows.dispatch(repo, workflow, request, state.now());
        state.simulator.runDispatched(run);
        if (!details) return { status: 204 };
        const { url, html_url } = runUrls(links, repo, run.id);
        return { status: 200, body: { workflow_run_id: run.id, run_url: url, html_url } };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/workflows/:workflow/runs`,
      handler: ({ params, url }) => {
        const [repo, workflow] = findWorkflow(params);
        return listRuns(repo, url, workflow.id);
      },
    },
    { method: 'GET', pattern: `${BASE}/runs`, handler: ({ params, url }) => listRuns(state.repo(params), url) },
    {
      method: 'GET',
      pattern: `${BASE}/runs/:id`,
      handler: ({ params }) => {
        const repo = state.repo(params);
        const run = state.workflows.run(repo, Number(params.id));
        const workflow = run && state.workflows.find(repo, String(run.workflowId));
        if (!run || !workflow) throw notFound();
        return { status: 200, body: runJson(links, repo, run, workflow) };
      },
    },
  ];
}
