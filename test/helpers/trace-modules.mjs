// Preloaded with --import: records the URL of every module the process loads (ES modules and require()
// alike) and writes them, one a line, to $OPSDECK_TRACE_MODULES when the process exits.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  load(url, context, next) {
    loaded.add(url);
    return next(url, context);
  },
});
process.on('exit', () => writeFileSync(process.env.OPSDECK_TRACE_MODULES, [...loaded].join('\n')));
