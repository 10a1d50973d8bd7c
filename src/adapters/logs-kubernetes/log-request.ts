import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** A pod log request the API server refused (`status`) or that got no answer (`status` undefined). */
export class PodLogError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PodLogError';
    this.status = status;
  }
}

export interface PodLogTarget {
  namespace: string;
  pod: string;
  /** container, follow, timestamps, sinceSeconds/sinceTime, tailLines… as the API spells them. */
  params: Record<string, string>;
}

/**
 * Opens `GET /api/v1/namespaces/{ns}/pods/{pod}/log` with the kubeconfig's cluster URL and credentials
 * (`applyToHTTPSOptions`: bearer token or exec plugin, client certificate, CA, proxy agent) and resolves with
 * the 200 response to read. client-node's own `Log` is not used: in 2.0.1 it pipes the body without an error
 * handler, so aborting a follow throws an uncaught AbortError. Here `signal` destroys the request and the
 * reader of the response sees the abort as an error it handles. `answerMs` caps the wait for the headers.
 */
export async function openPodLog(
  kc: KubeConfig,
  target: PodLogTarget,
  signal: AbortSignal,
  answerMs: number,
): Promise<IncomingMessage> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new PodLogError(`kubeconfig context "${kc.getCurrentContext()}" has no cluster`, undefined);
  const path = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/log`;
  const url = new URL(`${cluster.server.replace(/\/+$/, '')}${path}`);
  for (const [key, value] of Object.entries(target.params)) url.searchParams.set(key, value);
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    const req = send(url, { ...options, method: 'GET', signal }, (res) => {
      clearTimeout(timer);
      if (res.statusCode === 200) {
        resolve(res);
        return;
      }
      readAll(res).then(
        (body) => reject(new PodLogError(`${statusMessage(body)} (HTTP ${res.statusCode})`, res.statusCode)),
        (error: unknown) => reject(new PodLogError(`HTTP ${res.statusCode}`, res.statusCode, { cause: error })),
      );
    });
    const timer = setTimeout(
      () => req.destroy(new PodLogError(`no answer within ${answerMs} ms`, undefined)),
      answerMs,
    );
    // Stays attached for the request's whole life: a later abort also surfaces on the response, where the
    // reader handles it, and must not become an uncaught 'error' event here.
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // Notices a silently dropped connection on a quiet pod, as client-node's Watch does.
    req.on('socket', (socket) => socket.setKeepAlive(true, 30_000));
    req.end();
  });
}

/** Calls `onLine` for each line of the body. A last line without newline counts only if the body ended cleanly. */
export async function readLines(res: IncomingMessage, onLine: (line: string) => void): Promise<void> {
  res.setEncoding('utf8');
  let rest = '';
  for await (const chunk of res as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  }
  if (rest !== '') onLine(rest);
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res as AsyncIterable<string>) text += chunk;
  return text;
}

/** The `message` of a Kubernetes Status body, or the start of whatever else came back. */
function statusMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // Not JSON (a proxy's error page): shown as text below.
  }
  return body.trim().slice(0, 200) || 'no details';
}
