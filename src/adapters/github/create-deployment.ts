import type { Octokit } from '@octokit/rest';
import { UserError } from '../../core/errors.ts';
import type { DeployOutcome } from '../../ports/backends.ts';
import { backendError, githubMessage, httpStatus } from './github-errors.ts';
import type { RepoName } from './repo-name.ts';
import { clip } from './version-label.ts';

export interface NewDeployment {
  /** What GitHub deploys: a sha whenever one is known, so a moving branch cannot change it. */
  ref: string;
  env: string;
  /** For messages, e.g. `v1.4.2 (abc1234)`. */
  label: string;
  description: string;
  payload: Record<string, unknown>;
  requiredContexts: readonly string[] | undefined;
}

/** The deployment id, or the outcome when GitHub refused it because required status checks fail. */
export type Created = { id: number } | { refused: DeployOutcome };

interface FailingContext {
  context: string;
  state: string;
}

// A 409 for failed checks lists them as `errors: [{ contexts: [{ context, state }] }]`.
function failingContexts(error: unknown): FailingContext[] {
  const data = (error as { response?: { data?: { errors?: unknown } } }).response?.data;
  const errors = Array.isArray(data?.errors) ? (data.errors as { contexts?: unknown }[]) : [];
  return errors.flatMap((e) => (Array.isArray(e.contexts) ? (e.contexts as FailingContext[]) : []));
}

export async function createDeployment(octokit: Octokit, repo: RepoName, spec: NewDeployment): Promise<Created> {
  const operation = `creating a deployment of ${spec.label} to ${spec.env} in ${repo.fullName}`;
  let response: Awaited<ReturnType<Octokit['rest']['repos']['createDeployment']>>;
  try {
    response = await octokit.rest.repos.createDeployment({
      owner: repo.owner,
      repo: repo.repo,
      ref: spec.ref,
      environment: spec.env,
      // Merging the default branch into the ref would deploy something nobody approved.
      auto_merge: false,
      ...(spec.requiredContexts === undefined ? {} : { required_contexts: [...spec.requiredContexts] }),
      description: clip(spec.description),
      payload: spec.payload,
      production_environment: spec.env === 'prod' || spec.env === 'production',
    });
  } catch (error) {
    const status = httpStatus(error);
    if (status === 409) return { refused: refusal(spec, error) };
    if (status === 422) {
      throw new UserError(
        `GitHub cannot deploy ${spec.label} to ${spec.env} in ${repo.fullName}: ${githubMessage(error)}`,
      );
    }
    throw backendError(operation, error);
  }
  if (!('id' in response.data)) {
    throw new Error(
      `GitHub did not create a deployment of ${spec.label} to ${spec.env} in ${repo.fullName}: it answered ` +
        `${response.status} (${response.data.message ?? 'auto-merged the default branch'}); try again`,
    );
  }
  return { id: response.data.id };
}

function refusal(spec: NewDeployment, error: unknown): DeployOutcome {
  const contexts = failingContexts(error);
  const why =
    contexts.length > 0
      ? `required status checks are not passing: ${contexts.map((c) => `${c.context} (${c.state})`).join(', ')}`
      : githubMessage(error);
  return { ok: false, summary: `GitHub refused to deploy ${spec.label} to ${spec.env}: ${why}.` };
}
