import type { Chat } from '../../ports/chat.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RequestStore, StoredRequest } from '../../ports/store.ts';
import type { Catalog } from '../catalog.ts';
import { textMessage } from '../message.ts';
import type { Text } from '../text.ts';
import { requestMessage } from './request-view.ts';

/** Where a request shows: its message, re-rendered from the store, and its thread. */
export class RequestBoard {
  readonly #deps: { requests: Pick<RequestStore, 'listApprovals'>; chat: Chat; catalog: Catalog; log: Logger };

  constructor(deps: { requests: Pick<RequestStore, 'listApprovals'>; chat: Chat; catalog: Catalog; log: Logger }) {
    this.#deps = deps;
  }

  /** Re-renders the request message from the store, so every replica shows the same thing. */
  async refresh(request: StoredRequest): Promise<void> {
    if (!request.message) return;
    const { requests, chat, catalog, log } = this.#deps;
    const approvals = await requests.listApprovals(request.id);
    await chat
      .update(
        request.message.channel,
        request.message.ts,
        requestMessage(request, approvals, catalog.environments[request.env]),
      )
      .catch((err: unknown) => log.warn({ err, requestId: request.id }, 'could not update the request message'));
  }

  /** Posts into the request's thread; a failure is logged, never thrown: the store already says what happened. */
  async tell(request: StoredRequest, text: Text): Promise<void> {
    if (!request.message) return;
    await this.#deps.chat
      .post(request.channel, { ...textMessage(text), urgency: 'prompt' }, request.message.ts)
      .catch((err: unknown) => this.#deps.log.warn({ err, requestId: request.id }, 'could not post to the thread'));
  }
}
