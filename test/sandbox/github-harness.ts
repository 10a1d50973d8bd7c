import { Octokit } from '@octokit/rest';
import { afterEach } from 'vitest';
import { GitHubEmulator, type GitHubEmulatorOptions } from '../../src/sandbox/github/index.ts';

const running: GitHubEmulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((gh) => gh.close()));
});

/** An emulator closed after the test; steps are a few ms so automatic progress finishes quickly. */
export async function startGitHub(options: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  const gh = await GitHubEmulator.start({ stepMs: 5, ...options });
  running.push(gh);
  return gh;
}

// Octokit logs every failed request at error level; these tests provoke failures on purpose.
const quiet = { debug: () => {}, info: () => {}, warn: console.warn, error: () => {} };

export const octokitFor = (gh: GitHubEmulator, auth?: string): Octokit =>
  new Octokit({ baseUrl: gh.url, auth, log: quiet });

export interface ApiFailure {
  readonly status: number;
  readonly message: string;
  readonly response: { readonly data: Record<string, unknown>; readonly headers: Record<string, string | undefined> };
}

/** The Octokit RequestError a call rejects with (fails the test when it resolves). */
export async function failureOf(call: Promise<unknown>): Promise<ApiFailure> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (typeof outcome !== 'object' || outcome === null || !('status' in outcome)) {
    throw new Error(`expected an HTTP error, got ${String(outcome)}`);
  }
  return outcome as ApiFailure;
}

/** Seeds `acme/api`: 5 commits on main, tags v1.0.0 (index 2) and v1.1.0 (index 4), branch feature from index 2. */
export function seedApi(gh: GitHubEmulator) {
  return gh.seedRepo({
    owner: 'acme',
    name: 'api',
    commits: [
      { message: 'Initial commit', author: 'alice' },
      { message: 'Add health endpoint', author: 'bob' },
      { message: 'Release 1.0', author: 'alice' },
      { message: 'Fix timeout', author: 'carol' },
      { message: 'Release 1.1', author: 'alice' },
    ],
    tags: { 'v1.0.0': 2, 'v1.1.0': 4 },
    branches: { feature: { from: 2, commits: [{ message: 'Try new cache' }, { message: 'Tune cache' }] } },
  });
}
