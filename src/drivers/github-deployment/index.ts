import { z } from 'zod';
import { defineDeployDriver } from '../driver.ts';

/** Creates a GitHub Deployment that an outside system acts on, and follows its statuses. */
export const githubDeploymentDriver = defineDeployDriver({
  via: 'github-deployment',
  configSchema: z.strictObject({
    via: z.literal('github-deployment'),
    requiredContexts: z
      .array(z.string())
      .optional()
      .describe('Status checks that must pass; omit for all, [] for none.'),
  }),
  requires: [{ section: 'github', path: 'github.repo' }],
  // The adapter is loaded here, so a bot with no service deployed this way never loads Octokit.
  create: async (config, ctx) =>
    new (await import('../../adapters/github/index.ts')).GitHubDeploymentDeployer(ctx.clients.github(), {
      repo: ctx.service.github.repo,
      requiredContexts: config.requiredContexts,
      clock: ctx.clock,
      pollMs: ctx.pollMs,
    }),
});
