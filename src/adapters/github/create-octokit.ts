import { createHash } from 'node:crypto';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from '../../ports/logger.ts';
import type { SharedLimits } from '../rate-limits/index.ts';
import { fetchWithTimeout } from './fetch-timeout.ts';
import { sharedThrottling } from './throttle-groups.ts';

export interface OctokitOptions {
  /** GitHub Enterprise or emulator API root; GitHub.com when omitted. */
  baseUrl?: string | undefined;
  token?: string | undefined;
  log: Logger;
  /** For each attempt of a request (retries get their own); default 10 s. */
  requestTimeoutMs?: number | undefined;
  /** Milliseconds the plugins wait per "second" of back-off; default 1000, small in tests. */
  retryAfterBaseValue?: number | undefined;
  /** Keeps GitHub's concurrency and write pacing for every replica together; default: the plugin's own, per process. */
  limits?: SharedLimits | undefined;
}

const GitHubClient = Octokit.plugin(throttling, retry);

const MAX_LIMIT_RETRIES = 2;
// A primary limit can reset an hour from now: waiting that long would hold a chat command hostage,
// so longer waits fail with GitHub's message instead.
const MAX_LIMIT_WAIT_S = 120;
// Rate limits (403/429) belong to the throttling plugin, which honours retry-after; 405, 409 and 422 are
// answers (a pull request not mergeable yet or a merge method turned off, failed status checks, bad inputs)
// that a retry cannot change: retried, each refused merge was three more paced writes and up to 14 s.
const DO_NOT_RETRY = [400, 401, 403, 404, 405, 409, 410, 422, 429, 451];

function onLimit(log: Logger, kind: 'primary' | 'secondary') {
  return (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const retrying = retryCount < MAX_LIMIT_RETRIES && retryAfter <= MAX_LIMIT_WAIT_S;
    const { method, url } = options;
    log.warn({ method, url, retryAfter, retryCount, retrying }, `GitHub ${kind} rate limit hit`);
    return retrying;
  };
}

/** Octokit with throttling, retries of 5xx and a timeout on every request, logging through `log`. */
export function createOctokit(options: OctokitOptions): Octokit {
  const { log } = options;
  const retryAfterBaseValue = options.retryAfterBaseValue ?? 1000;
  return new GitHubClient({
    baseUrl: options.baseUrl,
    auth: options.token,
    request: { fetch: fetchWithTimeout(options.requestTimeoutMs ?? 10_000) },
    // Octokit logs every request and every failed one; drivers decide which failures matter, so those stay quiet.
    log: {
      debug: (message: string) => log.debug({}, message),
      info: (message: string) => log.debug({}, message),
      warn: (message: string, detail?: unknown) => log.warn({ detail }, message),
      error: (message: string) => log.debug({}, message),
    },
    throttle: {
      ...(options.limits ? sharedThrottling(options.limits) : {}),
      // GitHub limits each account on each server, while the plugin's limiters are shared by every client in
      // the process: key them by server and token (hashed, the id can end up in logs) so that clients of
      // other accounts or servers do not queue behind each other's writes.
      id: createHash('sha256')
        .update(`${options.baseUrl ?? ''} ${options.token ?? ''}`)
        .digest('hex')
        .slice(0, 16),
      retryAfterBaseValue,
      onRateLimit: onLimit(log, 'primary'),
      onSecondaryRateLimit: onLimit(log, 'secondary'),
    },
    retry: { retryAfterBaseValue, doNotRetry: DO_NOT_RETRY },
  });
}
