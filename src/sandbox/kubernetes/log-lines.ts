/** What a log line generator is told about the line it writes. */
export interface LogLineContext {
  namespace: string;
  pod: string;
  container: string;
  image: string;
  /** 0-based line number within this container. */
  seq: number;
  at: Date;
}

export type LogLineGenerator = (context: LogLineContext) => string;

const ROUTES = ['/api/orders', '/api/orders/{id}', '/api/users/me', '/api/cart', '/healthz', '/api/search'];

/**
 * Plausible service logs in logfmt: mostly 2xx access lines, a warning every 17th line and an error every
 * 41st, deterministic in `seq` so tests can predict them.
 */
export const defaultLogLine: LogLineGenerator = ({ seq, image, pod }) => {
  const path = ROUTES[seq % ROUTES.length] ?? '/';
  const tail = `pod=${pod} version=${image.split(':').at(-1) ?? 'latest'} seq=${seq}`;
  if (seq % 41 === 40) {
    return (
      `level=error msg="upstream request failed" path=${path} status=503 ` + `error="context deadline exceeded" ${tail}`
    );
  }
  if (seq % 17 === 16) {
    return `level=warn msg="slow request" path=${path} status=200 duration_ms=${900 + (seq % 7) * 37} ${tail}`;
  }
  const duration = 3 + ((seq * 7) % 40);
  return `level=info msg="request completed" method=GET path=${path} status=200 duration_ms=${duration} ${tail}`;
};
