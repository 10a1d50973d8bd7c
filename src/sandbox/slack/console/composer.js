// The message box: Enter sends, Shift+Enter breaks the line, and `/` opens slash-command completion
// (↑/↓ to move, Tab or Enter to complete, Escape to close), with the usage hint shown while typing arguments.
import { h } from './dom.js';

/**
 * Wires a composer. `box` has `input` (a textarea), `menu` (a list for completions) and `hint`;
 * `commands()` returns the current commands, `send(text)` sends what was typed.
 */
export function attachComposer(box, commands, send) {
  const { input, menu, hint } = box;
  let matches = [];
  let selected = 0;

  const typedCommand = () => /^\/(\S*)$/.exec(input.value)?.[0].toLowerCase();

  function refresh() {
    const typed = typedCommand();
    matches = typed === undefined ? [] : commands().filter((c) => c.command.startsWith(typed));
    selected = Math.min(selected, Math.max(0, matches.length - 1));
    menu.hidden = matches.length === 0;
    menu.replaceChildren(
      ...matches.map((c, i) =>
        h(
          'div',
          {
            className: i === selected ? 'completion selected' : 'completion',
            role: 'option',
            'aria-selected': String(i === selected),
            'data-testid': 'completion',
            // mousedown, not click: a click would blur the textarea first.
            onmousedown: (event) => {
              event.preventDefault();
              complete(i);
            },
          },
          h('span', { className: 'completion-command' }, c.command),
          h('span', { className: 'completion-usage' }, c.usageHint),
          h('span', { className: 'completion-description' }, c.description),
        ),
      ),
    );
    const words = /^(\/\S+)\s/.exec(input.value);
    const known = words ? commands().find((c) => c.command === words[1].toLowerCase()) : undefined;
    hint.hidden = !known;
    hint.textContent = known ? `${`${known.command} ${known.usageHint}`.trim()}  —  ${known.description}` : '';
  }

  function complete(index) {
    const match = matches[index];
    if (!match) return;
    input.value = `${match.command} `;
    selected = 0;
    input.focus();
    refresh();
  }

  function submit() {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    refresh();
    send(text);
  }

  input.addEventListener('input', () => {
    selected = 0;
    refresh();
  });
  input.addEventListener('keydown', (event) => {
    if (event.isComposing) return;
    const open = matches.length > 0;
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      selected = (selected + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
      refresh();
    } else if (open && (event.key === 'Tab' || (event.key === 'Enter' && !event.shiftKey))) {
      event.preventDefault();
      complete(selected);
    } else if (open && event.key === 'Escape') {
      event.preventDefault();
      matches = [];
      menu.hidden = true;
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('blur', () => {
    menu.hidden = true;
  });
  input.addEventListener('focus', refresh);
  box.form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
}
