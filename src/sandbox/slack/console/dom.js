// One small element builder, so every piece of message content goes in as text nodes, never as markup.

/**
 * `h('button', { className: 'x', 'data-testid': 'y', onclick }, 'label', child)`: `on…` keys become listeners,
 * `data-…` and `aria-…` keys attributes, anything else a property. Strings become text nodes; null is skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role') el.setAttribute(key, String(value));
    else el[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/** Reads a string field of untrusted JSON, or '' when it is missing or not a string. */
export const str = (value) => (typeof value === 'string' ? value : '');

/**
 * Makes `list` show `items` in order, reusing the element of an item whose `sig` has not changed, so an
 * update or a new message touches one element and the scroll position stays where it was.
 */
export function syncList(list, items, render) {
  const existing = new Map();
  for (const el of list.children) existing.set(el.dataset.key, el);
  let previous = null;
  for (const item of items) {
    let el = existing.get(item.key);
    existing.delete(item.key);
    if (!el || el.dataset.sig !== item.sig) {
      const fresh = render(item);
      fresh.dataset.key = item.key;
      fresh.dataset.sig = item.sig;
      if (el) el.replaceWith(fresh);
      el = fresh;
    }
    const expected = previous ? previous.nextElementSibling : list.firstElementChild;
    if (el !== expected) list.insertBefore(el, expected);
    previous = el;
  }
  for (const el of existing.values()) el.remove();
}

/** Scrolls to the newest message if the person was already there, and leaves them be if they scrolled up. */
export function keepAtBottom(scroller, change) {
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  change();
  if (atBottom) scroller.scrollTop = scroller.scrollHeight;
}
