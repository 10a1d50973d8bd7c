// App Home, modals and shortcuts: opsdeck's views for the person at the keyboard, drawn from the view JSON
// the bot published or opened, and sent back the way Slack sends them (submissions, suggestions, clicks).
import { confirmDialog, renderBlocks } from './blocks.js';
import { h, str } from './dom.js';

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

/** One input block's control; `read()` gives what Slack would put in `state.values` for it. */
function field(block, ctx) {
  const el = block.element ?? {};
  const id = str(block.block_id) || str(el.action_id);
  const testid = `field-${id}`;
  const options = Array.isArray(el.options) ? el.options : [];
  const initial = str(el.initial_option?.value);
  switch (el.type) {
    case 'plain_text_input': {
      const tag = el.multiline ? 'textarea' : 'input';
      const input = h(tag, {
        'data-testid': testid,
        placeholder: str(el.placeholder?.text),
        maxLength: el.max_length ?? 3000,
      });
      return { id, control: input, read: () => input.value };
    }
    case 'number_input': {
      const input = h('input', { type: 'number', 'data-testid': testid, min: str(el.min_value) || undefined });
      return { id, control: input, read: () => input.value };
    }
    case 'static_select': {
      const select = h(
        'select',
        { 'data-testid': testid },
        initial ? null : h('option', { value: '' }, 'Choose…'),
        options.map((o) => h('option', { value: str(o.value), selected: str(o.value) === initial }, str(o.text?.text))),
      );
      return { id, control: select, read: () => select.value || undefined };
    }
    case 'conversations_select': {
      const rooms = ctx.channels().filter((c) => !c.imUser);
      const select = h(
        'select',
        { 'data-testid': testid },
        rooms.map((c) => h('option', { value: c.id, selected: c.id === ctx.channel() }, `# ${c.name}`)),
      );
      return { id, control: select, read: () => select.value || undefined };
    }
    case 'external_select': {
      const list = h('datalist', { id: `options-${id}` });
      const input = h('input', { 'data-testid': testid, placeholder: str(el.placeholder?.text), autocomplete: 'off' });
      input.setAttribute('list', list.id);
      const suggest = async () => {
        const result = await ctx.post('suggest', {
          actionId: str(el.action_id),
          value: input.value,
          values: ctx.values(),
        });
        const found = result.ok ? result.body.options : [];
        list.replaceChildren(...found.map((o) => h('option', { value: str(o.value) }, str(o.text))));
        input.dataset.options = found.map((o) => str(o.value)).join(' ');
      };
      input.addEventListener('focus', suggest);
      input.addEventListener('input', suggest);
      return { id, control: h('div', {}, input, list), read: () => input.value || undefined };
    }
    case 'checkboxes': {
      const boxes = options.map((o) =>
        h('input', { type: 'checkbox', value: str(o.value), 'data-testid': `${testid}-${str(o.value)}` }),
      );
      const labels = boxes.map((box, i) =>
        h('label', { className: 'checkbox' }, box, ` ${str(options[i].text?.text)}`),
      );
      return { id, control: h('div', {}, labels), read: () => boxes.filter((b) => b.checked).map((b) => b.value) };
    }
    default:
      return {
        id,
        control: h('div', { className: 'bk-unsupported' }, `[${str(el.type)} is not shown]`),
        read: () => undefined,
      };
  }
}

/**
 * `deps` = { post(api, body), user(), channel(), channels(), names, isSelf, notify(text) }: the console's API,
 * who the page acts as, and how to tell them something went wrong.
 */
export function createSurfaces(deps) {
  let views = { home: null, modal: null };
  let drawnModal = '';
  let fields = [];
  const ctx = (surface) => ({
    names: deps.names,
    isSelf: deps.isSelf,
    onButton: async (element, buttonEl) => {
      if (element.confirm && !(await confirmDialog(element.confirm, { names: deps.names, isSelf: deps.isSelf })))
        return;
      buttonEl.disabled = true;
      const body = {
        surface,
        actionId: str(element.action_id),
        ...(typeof element.value === 'string' ? { value: element.value } : {}),
      };
      const result = await deps.post('viewaction', body);
      if (!result.ok) deps.notify(result.body.message ?? 'That button failed.');
      buttonEl.disabled = false;
    },
  });
  const values = () => Object.fromEntries(fields.map((f) => [f.id, f.read()]).filter(([, v]) => v !== undefined));

  function drawHome() {
    const blocks = views.home?.view?.blocks;
    $('home-empty').hidden = Array.isArray(blocks);
    $('home').replaceChildren(Array.isArray(blocks) ? renderBlocks(blocks, ctx('home')) : '');
  }

  function drawModal() {
    const dialog = $('modal');
    const modal = views.modal;
    if (!modal) {
      drawnModal = '';
      fields = [];
      if (dialog.open) dialog.close();
      return;
    }
    const sig = `${modal.id}|${JSON.stringify(modal.view)}`;
    if (sig !== drawnModal) {
      drawnModal = sig;
      const formCtx = { ...deps, values };
      fields = [];
      const parts = (Array.isArray(modal.view.blocks) ? modal.view.blocks : []).map((block) => {
        if (block?.type !== 'input') return renderBlocks([block], ctx('modal'));
        const f = field(block, formCtx);
        fields.push(f);
        return h(
          'label',
          { className: 'modal-field' },
          h('span', { className: 'modal-label' }, str(block.label?.text), block.optional ? ' (optional)' : ''),
          f.control,
          block.hint ? h('span', { className: 'modal-hint' }, str(block.hint.text)) : null,
          h('span', { className: 'modal-error', 'data-testid': `error-${f.id}` }),
        );
      });
      $('modal-title').textContent = str(modal.view.title?.text);
      $('modal-submit').textContent = str(modal.view.submit?.text) || 'Submit';
      $('modal-cancel').textContent = str(modal.view.close?.text) || 'Cancel';
      $('modal-body').replaceChildren(...parts);
    }
    for (const f of fields) {
      const error = document.querySelector(`[data-testid="error-${f.id}"]`);
      if (error) error.textContent = str(modal.errors?.[f.id]);
    }
    if (!dialog.open) dialog.showModal();
  }

  async function refresh() {
    const result = await deps.post('views', {});
    if (!result.ok) return;
    views = { home: result.body.home, modal: result.body.modal };
    drawHome();
    drawModal();
  }

  $('modal-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = await deps.post('submit', { values: values() });
    if (!result.ok) deps.notify(result.body.message ?? 'The form could not be sent.');
    await refresh();
  });
  $('modal-cancel').addEventListener('click', async () => {
    await deps.post('close', {});
    await refresh();
  });
  // Escape closes a Slack modal too; the emulator must hear of it.
  $('modal').addEventListener('cancel', async (event) => {
    event.preventDefault();
    await deps.post('close', {});
    await refresh();
  });

  /** The menu of shortcuts: global ones from the composer, message ones for one message. */
  function showShortcuts(shortcuts, message) {
    const menu = $('shortcuts-menu');
    const wanted = shortcuts.filter((s) => s.type === (message ? 'message' : 'global'));
    const run = async (s) => {
      menu.hidden = true;
      const where = message ? { channel: message.channel, messageTs: message.ts } : {};
      const result = await deps.post('shortcut', { callbackId: s.callbackId, ...where });
      if (!result.ok || result.body.status >= 300) deps.notify(result.body.message ?? `${s.name} failed.`);
    };
    menu.replaceChildren(
      h('div', { className: 'shortcuts-title' }, message ? 'Shortcuts for this message' : 'Shortcuts'),
      ...wanted.map((s) =>
        h(
          'button',
          {
            type: 'button',
            role: 'menuitem',
            'data-testid': `shortcut-${s.callbackId}`,
            title: s.description,
            onclick: () => run(s),
          },
          s.name,
        ),
      ),
    );
    menu.hidden = false;
  }

  return {
    refresh,
    showShortcuts,
    async openHome() {
      const result = await deps.post('home', {});
      if (!result.ok || result.body.status >= 300) deps.notify(result.body.message ?? 'opsdeck did not open its Home.');
      await refresh();
    },
  };
}
