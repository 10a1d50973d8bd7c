import type { IncomingMessage, ServerResponse } from 'node:http';
import { gone } from './api-error.ts';
import type { ApiContext } from './context.ts';
import { startStream } from './http-util.ts';
import type { Matcher } from './selectors.ts';
import type { StoreEvent, WatchEventType } from './store.ts';
import type { KubeObject } from './types.ts';

export interface WatchOptions {
  storage: string;
  matches: Matcher;
  present: (object: KubeObject) => unknown;
  /** Unset or "0": start with ADDED events for what exists now; otherwise replay history after it. */
  resourceVersion: string | null;
  sendInitialEvents: boolean;
  timeoutSeconds: number | undefined;
  bookmarkTemplate: { kind: string; apiVersion: string };
}

/** Streams newline-delimited `{type, object}` watch events until the client leaves or the timeout passes. */
export function serveWatch(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, options: WatchOptions): void {
  startStream(res, 'application/json');
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const forward = (event: StoreEvent) => {
    if (event.storage !== options.storage) return;
    const type = visibleType(event, options.matches);
    if (type) send(type, options.present(event.object));
  };

  const since =
    options.resourceVersion && options.resourceVersion !== '0' ? Number(options.resourceVersion) : undefined;
  if (options.sendInitialEvents || since === undefined || Number.isNaN(since)) {
    for (const object of ctx.store.list(options.storage).filter(options.matches))
      send('ADDED', options.present(object));
    if (options.sendInitialEvents) {
      send('BOOKMARK', {
        ...options.bookmarkTemplate,
        metadata: {
          resourceVersion: ctx.store.resourceVersion,
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      });
    }
  } else {
    const history = ctx.store.eventsSince(since);
    if (!history) {
      send('ERROR', gone(`too old resource version: ${since} (${ctx.store.resourceVersion})`).toStatus());
      res.end();
      return;
    }
    history.forEach(forward);
  }

  const unsubscribe = ctx.store.subscribe(forward);
  ctx.streams.add(res);
  const timer = options.timeoutSeconds ? setTimeout(() => res.end(), options.timeoutSeconds * 1000) : undefined;
  const stop = () => {
    unsubscribe();
    clearTimeout(timer);
    ctx.streams.delete(res);
  };
  res.on('close', stop);
  req.on('close', stop);
}

/**
 * How a change looks through a selector: an object that starts matching is ADDED, one that stops matching is
 * DELETED, as the watch cache reports it.
 */
function visibleType(event: StoreEvent, matches: Matcher): WatchEventType | undefined {
  const now = event.type !== 'DELETED' && matches(event.object);
  const before = event.previous !== undefined && matches(event.previous);
  if (event.type === 'DELETED') return before ? 'DELETED' : undefined;
  if (event.type === 'ADDED') return now ? 'ADDED' : undefined;
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}
