import type { Store } from '../ports/store.ts';
import type { Redactor } from './redact.ts';

/**
 * The store with one rule added at its audit boundary: every detail of every entry passes the redactor
 * before it is hashed and kept, whoever appends it.
 */
export function withRedactedAudit(store: Store, redactor: Redactor): Store {
  const appendAudit: Store['appendAudit'] = (entry, at) =>
    store.appendAudit({ ...entry, details: redactor.deep(entry.details) }, at);
  // A proxy rather than a subclass: the store's private fields need its methods called on the store itself.
  return new Proxy(store, {
    get(target, key) {
      if (key === 'appendAudit') return appendAudit;
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
