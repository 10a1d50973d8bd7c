import { z } from 'zod';
import { defineDeployDriver } from '../driver.ts';

/** Sets the image of the service's Deployment and follows the rollout. */
export const kubernetesDriver = defineDeployDriver({
  via: 'kubernetes',
  configSchema: z.strictObject({
    via: z.literal('kubernetes'),
    image: z.string().min(1).describe('Image repository; the deployed tag is the ref (or the sha, see tag).'),
    tag: z.enum(['ref', 'sha']).default('ref').describe('Tag images with the ref as typed or the resolved commit sha.'),
  }),
  requires: [{ section: 'kubernetes', path: 'kubernetes', what: 'namespace and deployment' }],
  async create(config, ctx) {
    // Loaded here, so a bot with no service deployed this way never loads the Kubernetes client.
    const { KubernetesDeployer } = await import('../../adapters/kubernetes/index.ts');
    const { github, kubernetes } = ctx.service;
    const { sourceControl } = ctx;
    return new KubernetesDeployer({
      clients: ctx.clients.kubernetes(),
      service: { ...kubernetes, image: config.image, tag: config.tag },
      refKind: github ? (ref) => sourceControl.refKind(github.repo, ref) : undefined,
      clock: ctx.clock,
      pollMs: ctx.pollMs,
      rolloutTimeoutMs: ctx.rolloutTimeoutMs,
      log: ctx.log,
    });
  },
});
