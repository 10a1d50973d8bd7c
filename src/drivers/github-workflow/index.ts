import { z } from 'zod';
import { defineDeployDriver } from '../driver.ts';

/** Dispatches a GitHub Actions workflow with `ref` and `environment` inputs, and follows the run. */
export const githubWorkflowDriver = defineDeployDriver({
  via: 'github-workflow',
  configSchema: z.strictObject({
    via: z.literal('github-workflow'),
    workflow: z.string().min(1).describe('Workflow file name or id, dispatched with ref and environment inputs.'),
  }),
  requires: [{ section: 'github', path: 'github.repo' }],
  // The adapter is loaded here, so a bot with no service deployed this way never loads Octokit.
  create: async (config, ctx) =>
    new (await import('../../adapters/github/index.ts')).GitHubWorkflowDeployer(ctx.clients.github(), {
      repo: ctx.service.github.repo,
      workflow: config.workflow,
      defaultRef: ctx.service.github.defaultRef,
      history: ctx.history,
      clock: ctx.clock,
      pollMs: ctx.pollMs,
    }),
});
