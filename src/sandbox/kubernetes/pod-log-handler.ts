import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, invalid, type StatusCause } from './api-error.ts';
import type { ApiContext } from './context.ts';
import { flag, intParam, startStream } from './http-util.ts';
import type { LogEntry } from './pod-logs.ts';
import type { Pod } from './types.ts';

interface LogOptions {
  follow: boolean;
  timestamps: boolean;
  tailLines: number | undefined;
  sinceMs: number | undefined;
  limitBytes: number | undefined;
}

/** `GET /api/v1/namespaces/{ns}/pods/{name}/log`: plain text; with follow=true the response stays open. */
export function handlePodLog(
  ctx: ApiContext,
  namespace: string,
  name: string,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const pod = ctx.store.require<Pod>('pods', namespace, name);
  const container = pickContainer(pod, query.get('container'));
  if (flag(query, 'previous'))
    throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  const waiting = (pod.status.containerStatuses ?? []).find((s) => s.name === container)?.state.waiting;
  if (waiting) {
    const why = waiting.reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : waiting.reason;
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
  }
  const options = parseOptions(name, query, ctx.now());
  const since = options.sinceMs ?? Number.NEGATIVE_INFINITY;
  let entries = ctx.logs.read(namespace, name, container).filter((e) => e.at >= since);
  if (options.tailLines !== undefined) entries = options.tailLines === 0 ? [] : entries.slice(-options.tailLines);

  let remaining = options.limitBytes ?? Number.POSITIVE_INFINITY;
  /** Writes one line within the byte budget; false once the budget is spent and the response ended. */
  const write = (entry: LogEntry): boolean => {
    const bytes = Buffer.from(`${options.timestamps ? `${nanoTimestamp(entry.at)} ` : ''}${entry.text}\n`);
    res.write(bytes.subarray(0, Math.min(bytes.length, remaining)));
    remaining -= bytes.length;
    if (remaining > 0) return true;
    res.end();
    return false;
  };

  startStream(res, 'text/plain');
  if (!entries.every(write)) return;
  if (!options.follow) {
    res.end();
    return;
  }
  const stop = ctx.logs.follow(namespace, name, container, {
    onEntry: (entry) => {
      if (!write(entry)) stop();
    },
    onEnd: () => res.end(),
  });
  ctx.streams.add(res);
  const cleanup = () => {
    stop();
    ctx.streams.delete(res);
  };
  res.on('close', cleanup);
  req.on('close', cleanup);
}

function pickContainer(pod: Pod, requested: string | null): string {
  const names = pod.spec.containers.map((c) => c.name);
  if (!requested) {
    const [only, ...others] = names;
    if (only === undefined || others.length > 0) {
      const choices = names.join(' ');
      throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${choices}]`);
    }
    return only;
  }
  if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
  return requested;
}

function parseOptions(name: string, query: URLSearchParams, now: number): LogOptions {
  const tailLines = intParam(query, 'tailLines');
  const sinceSeconds = intParam(query, 'sinceSeconds');
  const limitBytes = intParam(query, 'limitBytes');
  const sinceTime = query.get('sinceTime');
  const causes: StatusCause[] = [];
  const fail = (field: string, message: string, reason = 'FieldValueInvalid') =>
    causes.push({ reason, field, message });
  if (tailLines !== undefined && tailLines < 0)
    fail('tailLines', `Invalid value: ${tailLines}: must be greater than or equal to 0`);
  if (sinceSeconds !== undefined && sinceSeconds < 1)
    fail('sinceSeconds', `Invalid value: ${sinceSeconds}: must be greater than 0`);
  if (limitBytes !== undefined && limitBytes < 1)
    fail('limitBytes', `Invalid value: ${limitBytes}: must be greater than 0`);
  if (sinceSeconds !== undefined && sinceTime) {
    fail('', 'at most one of `sinceTime` or `sinceSeconds` may be specified', 'FieldValueForbidden');
  }
  const sinceTimeMs = sinceTime ? Date.parse(sinceTime) : undefined;
  if (sinceTimeMs !== undefined && Number.isNaN(sinceTimeMs)) {
    fail('sinceTime', `Invalid value: "${sinceTime}": must be an RFC3339 time`);
  }
  if (causes.length > 0) throw invalid('PodLogOptions', '', name, causes);
  return {
    follow: flag(query, 'follow'),
    timestamps: flag(query, 'timestamps'),
    tailLines,
    sinceMs: sinceSeconds !== undefined ? now - sinceSeconds * 1000 : sinceTimeMs,
    limitBytes,
  };
}

/** RFC 3339 with nanoseconds, the format of the kubelet's `timestamps=true` prefix. */
function nanoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}
