// The "Sandbox controls" panel: each control with a select per param, a button, and the text it returned.
import { h } from './dom.js';

/** Draws `controls` into `container`; `run(id, params)` resolves with `{ ok, text }` to show. */
export function renderControls(container, controls, run) {
  container.replaceChildren(
    ...controls.map((control) => {
      const selects = control.params.map((param) =>
        h(
          'select',
          { name: param.name, 'data-testid': `control-${control.id}-${param.name}` },
          param.options.map((option) => h('option', { value: option }, option)),
        ),
      );
      const result = h('output', {
        className: 'control-result',
        'data-testid': `control-${control.id}-result`,
        hidden: true,
      });
      const button = h(
        'button',
        { type: 'button', className: 'control-run', 'data-testid': `control-${control.id}` },
        control.label,
      );
      button.addEventListener('click', async () => {
        const params = Object.fromEntries(selects.map((s) => [s.name, s.value]));
        button.disabled = true;
        result.hidden = false;
        result.className = 'control-result pending';
        result.textContent = 'Running…';
        try {
          const outcome = await run(control.id, params);
          result.className = outcome.ok ? 'control-result' : 'control-result failed';
          result.textContent = outcome.text;
        } finally {
          button.disabled = false;
        }
      });
      return h(
        'div',
        { className: 'control' },
        control.description ? h('p', { className: 'control-description' }, control.description) : null,
        selects.length
          ? h(
              'div',
              { className: 'control-params' },
              control.params.map((p, i) => h('label', {}, h('span', {}, p.name), selects[i])),
            )
          : null,
        button,
        result,
      );
    }),
  );
}
