import { BackendError } from '../../core/errors.ts';

/** The parts of an Argo CD Application (`GET /api/v1/applications/{name}`) the driver reads. */
export interface ArgoApplication {
  metadata?: { name?: string; namespace?: string } | undefined;
  spec?:
    | {
        project?: string | undefined;
        /** Present when the app syncs by itself; `enabled: false` (Argo CD 3) turns it off while keeping it. */
        syncPolicy?: { automated?: { enabled?: boolean | undefined } | null | undefined } | undefined;
      }
    | undefined;
  status?:
    | {
        sync?: { status?: string | undefined; revision?: string | undefined } | undefined;
        health?: { status?: string | undefined; message?: string | undefined } | undefined;
        operationState?:
          | {
              phase?: string | undefined;
              message?: string | undefined;
              syncResult?: { revision?: string | undefined } | undefined;
            }
          | undefined;
        summary?: { images?: string[] | undefined } | undefined;
        resources?:
          | {
              kind?: string | undefined;
              name?: string | undefined;
              health?: { status?: string | undefined; message?: string | undefined } | undefined;
            }[]
          | undefined;
        conditions?: { type?: string | undefined; message?: string | undefined }[] | undefined;
      }
    | undefined;
}

export interface ArgoCdClientOptions {
  /** ARGOCD_SERVER: `https://argocd.example.com` or a bare host (then https). */
  server: string;
  /** ARGOCD_AUTH_TOKEN: a project role's or local account's API token. */
  token: string;
  requestTimeoutMs?: number | undefined;
  fetch?: typeof fetch;
}

/** A failed Argo CD request: `status` is the HTTP status when Argo CD answered. */
export class ArgoCdError extends BackendError {
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, cause?: unknown) {
    super(message, { cause });
    this.status = status;
  }
}

/** The two calls of Argo CD's REST API the driver makes, with the bearer token and a timeout on each. */
export class ArgoCdClient {
  readonly baseUrl: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: ArgoCdClientOptions) {
    const server = options.server.replace(/\/+$/, '');
    this.baseUrl = /^https?:\/\//.test(server) ? server : `https://${server}`;
    this.#token = options.token;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** The Application; `refresh` asks Argo CD to read the repository again now instead of at its next poll. */
  getApplication(name: string, options: { refresh?: boolean } = {}): Promise<ArgoApplication> {
    const query = options.refresh ? '?refresh=normal' : '';
    return this.#call('GET', `/api/v1/applications/${encodeURIComponent(name)}${query}`, `read application ${name}`);
  }

  /** Starts a sync of the Application to the head of the revision it tracks. */
  async syncApplication(name: string): Promise<void> {
    await this.#call('POST', `/api/v1/applications/${encodeURIComponent(name)}/sync`, `sync application ${name}`, {
      prune: false,
    });
  }

  /** The web page of an Application, for links in chat. */
  applicationUrl(name: string): string {
    return `${this.baseUrl}/applications/${encodeURIComponent(name)}`;
  }

  async #call<T>(method: string, path: string, what: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const why =
        error instanceof Error && error.name === 'TimeoutError' ? `no answer in ${this.#timeoutMs} ms` : String(error);
      throw new ArgoCdError(`Argo CD at ${this.baseUrl} could not ${what}: ${why}`, undefined, error);
    }
    const text = await response.text();
    if (!response.ok) throw new ArgoCdError(failureText(what, response.status, text), response.status);
    return (text ? JSON.parse(text) : {}) as T;
  }
}

function failureText(what: string, status: number, body: string): string {
  let said = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    said = String(parsed.message ?? parsed.error ?? said);
  } catch {
    // Not JSON (a proxy's page): the start of the body says enough.
  }
  const fix =
    status === 401
      ? ': ARGOCD_AUTH_TOKEN is missing, expired or revoked; create a new token'
      : status === 403
        ? ': the token needs `applications, get` and `applications, sync` on this application (an Argo CD project ' +
          'role or account); Argo CD also answers 403 for an application that does not exist'
        : '';
  return `Argo CD could not ${what} (${status} ${said})${fix}`;
}
