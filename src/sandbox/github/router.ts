export interface RouteContext {
  readonly params: Readonly<Record<string, string>>;
  /** Absolute request URL against the emulator's base URL (pagination links are built from it). */
  readonly url: URL;
  readonly body: unknown;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (ctx: RouteContext) => Reply;

export interface Route {
  readonly method: string;
  /** Segments are literals, `:name` (one segment) or one `*name` (slashes included) followed only by literals. */
  readonly pattern: string;
  readonly handler: Handler;
}

const segmentsOf = (path: string): string[] => path.split('/').filter((s) => s !== '');

export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { handler: Handler; params: Record<string, string> } | undefined {
  const parts = segmentsOf(pathname);
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchSegments(segmentsOf(route.pattern), parts);
    if (params) return { handler: route.handler, params };
  }
  return undefined;
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, seg] of pattern.entries()) {
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.startsWith('*')) {
      // A wildcard may be followed by literal segments (`commits/*ref/status`): it takes what lies between.
      const tail = pattern.slice(i + 1);
      const end = parts.length - tail.length;
      if (end <= i || tail.some((literal, j) => parts[end + j] !== literal)) return undefined;
      params[seg.slice(1)] = parts.slice(i, end).map(decode).join('/');
      return params;
    }
    if (seg.startsWith(':')) params[seg.slice(1)] = decode(part);
    else if (seg !== part) return undefined;
  }
  return parts.length === pattern.length ? params : undefined;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
