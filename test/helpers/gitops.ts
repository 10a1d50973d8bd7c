import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArgoCdEmulator } from '../../src/sandbox/argocd/index.ts';
import type { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { seedArgoApplications, seedGitOps } from '../../src/sandbox/world-gitops.ts';
import { ARGOCD_TOKEN, GITOPS } from '../../src/sandbox/world.ts';
import type { Backends } from './backends.ts';
import { epochMs } from './clock.ts';

export { ARGOCD_TOKEN, GITOPS };

/**
 * The sandbox's billing world on top of `world`: acme/billing with tagged releases, the manifests repository
 * with history, billing running in both clusters, and an Argo CD whose auto-syncing Applications apply the
 * overlays. The bot reaches Argo CD through `env`.
 */
export async function startGitOps(world: Backends) {
  const argocd = await ArgoCdEmulator.start({
    repos: world.github,
    token: ARGOCD_TOKEN,
    pollMs: 40,
    now: epochMs(world.clock),
  });
  seedGitOps(world.github, world.clusters);
  seedArgoApplications(argocd, world.clusters);
  return {
    argocd,
    env: { ARGOCD_SERVER: argocd.url, ARGOCD_AUTH_TOKEN: ARGOCD_TOKEN },
    close: () => argocd.close(),
  };
}

/** The text of billing's prod overlay on the manifests branch. */
export const overlay = (github: GitHubEmulator, env: 'staging' | 'prod' = 'prod'): string =>
  github.readFile(GITOPS.repo, GITOPS.files[env], GITOPS.branch)?.text ?? '';

const body = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * A pass-through in front of the GitHub emulator that runs `before` once, just before the first request
 * matching `method` and `path` reaches it: how a teammate's push lands between the bot's read and write.
 */
export async function interpose(
  github: GitHubEmulator,
  match: { method: string; path: RegExp },
  before: () => void,
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  // Hop-by-hop headers, and what fetch recomputes (it decodes bodies, so their length and encoding change).
  const drop = new Set(['host', 'connection', 'keep-alive', 'content-length', 'content-encoding', 'transfer-encoding']);
  const server = createServer(async (req, res) => {
    try {
      const data = await body(req);
      if (req.method === match.method && match.path.test(req.url ?? '') && hits++ === 0) before();
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && !drop.has(e[0])),
      );
      const answer = await fetch(`${github.url}${req.url ?? ''}`, {
        method: req.method,
        headers,
        body: data.length ? data : undefined,
      });
      res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([name]) => !drop.has(name))));
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
