// Block Kit, drawn from the message JSON the bot posted: the block types opsdeck sends, and a visible
// placeholder for any other, so nothing is silently dropped.
import { h, str } from './dom.js';
import { parseMrkdwn, parsePlain, renderNodes } from './mrkdwn.js';

/** A text object: mrkdwn is parsed, plain_text only gets its emoji codes replaced. */
export function textObject(object, ctx, className) {
  const text = str(object?.text);
  const nodes = object?.type === 'mrkdwn' ? parseMrkdwn(text, ctx.names) : parsePlain(text);
  return h('div', { className: `mrkdwn ${className ?? ''}`.trim() }, renderNodes(nodes, ctx.isSelf));
}

/** Text that is not in a block (a message's `text`, a confirm dialog's body) is mrkdwn. */
export const mrkdwnText = (text, ctx, className) => textObject({ type: 'mrkdwn', text }, ctx, className);

const unsupported = (what) =>
  h('div', { className: 'bk-unsupported' }, `[${what} is not shown in the sandbox console]`);

function button(element, ctx) {
  const style = element.style === 'primary' || element.style === 'danger' ? element.style : 'default';
  const actionId = str(element.action_id);
  const el = h('button', {
    type: 'button',
    className: `bk-button ${style}`,
    'data-testid': `button-${actionId}`,
    onclick: () => ctx.onButton(element, el),
  });
  el.append(renderNodes(parsePlain(str(element.text?.text)), ctx.isSelf));
  return el;
}

function element(el, ctx) {
  if (el?.type === 'button') return button(el, ctx);
  return unsupported(`A ${str(el?.type) || 'unknown'} element`);
}

function section(block, ctx) {
  const parts = [];
  if (block.text) parts.push(textObject(block.text, ctx));
  if (Array.isArray(block.fields)) {
    parts.push(
      h(
        'div',
        { className: 'bk-fields' },
        block.fields.map((f) => textObject(f, ctx, 'bk-field')),
      ),
    );
  }
  const main = h('div', { className: 'bk-section-main' }, parts);
  const accessory = block.accessory ? h('div', { className: 'bk-accessory' }, element(block.accessory, ctx)) : null;
  return h('div', { className: 'bk-section' }, main, accessory);
}

function context(block, ctx) {
  const items = (Array.isArray(block.elements) ? block.elements : []).map((el) =>
    el?.type === 'image' ? h('span', { className: 'bk-image-alt' }, `[${str(el.alt_text)}]`) : textObject(el, ctx),
  );
  return h('div', { className: 'bk-context' }, items);
}

function block(b, ctx) {
  switch (b?.type) {
    case 'header':
      return h('div', { className: 'bk-header' }, renderNodes(parsePlain(str(b.text?.text)), ctx.isSelf));
    case 'section':
      return section(b, ctx);
    case 'context':
      return context(b, ctx);
    case 'divider':
      return h('hr', { className: 'bk-divider' });
    case 'actions':
      return h(
        'div',
        { className: 'bk-actions' },
        (Array.isArray(b.elements) ? b.elements : []).map((el) => element(el, ctx)),
      );
    default:
      return unsupported(`A ${str(b?.type) || 'unknown'} block`);
  }
}

/**
 * `ctx` = { names, isSelf, onButton(element, buttonEl) }: how to name ids in mentions, which user id is the
 * person at the keyboard, and what a click does.
 */
export function renderBlocks(blocks, ctx) {
  return h(
    'div',
    { className: 'blocks' },
    blocks.map((b) => block(b, ctx)),
  );
}

/** Slack's confirm dialog for a button: resolves true when the person confirms. */
export function confirmDialog(confirm, ctx) {
  const dialog = document.querySelector('[data-testid="confirm"]');
  const ok = dialog.querySelector('[data-testid="confirm-ok"]');
  const deny = dialog.querySelector('[data-testid="confirm-cancel"]');
  dialog.querySelector('.confirm-title').textContent = str(confirm.title?.text) || 'Are you sure?';
  dialog.querySelector('.confirm-text').replaceChildren(textObject(confirm.text ?? {}, ctx));
  ok.textContent = str(confirm.confirm?.text) || 'Yes';
  deny.textContent = str(confirm.deny?.text) || 'Cancel';
  ok.className = `bk-button ${confirm.style === 'danger' ? 'danger' : 'primary'}`;
  return new Promise((resolve) => {
    // `close` also fires on Escape, which answers no, as Slack's dialog does.
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    ok.focus();
  });
}
