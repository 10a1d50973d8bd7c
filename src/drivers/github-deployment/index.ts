import { z } from 'zod';
import { GitHubDeploymentDeployer } from '../../adapters/github/index.ts';
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
  create: (config, ctx) =>
    new GitHubDeploymentDeployer(ctx.clients.github(), {
      repo: ctx.service.github.repo,
      requiredContexts: config.requiredContexts,
      clock: ctx.clock,
      pollMs: ctx.pollMs,
    }),
});
