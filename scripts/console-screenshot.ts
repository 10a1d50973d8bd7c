import { resolve } from 'node:path';
import { deployApprovedByBob, emojiFontLoaded, openConsole, renderedFonts } from './console-browser.ts';

// Regenerates the README's picture of the sandbox console: alice asks for `/deploy api prod`, bob approves,
// and the thread reports success. `npm run screenshot [-- <file.png>]`; the default is docs/console.png.

const out = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../docs/console.png'));
const session = await openConsole();
try {
  const page = await session.newPage();
  await deployApprovedByBob(page);
  await emojiFontLoaded(page);
  const fonts = await renderedFonts(page, '[data-testid="thread-messages"] .emoji');
  if (!fonts.some((f) => f.isCustomFont)) {
    throw new Error(`emoji were drawn with ${fonts.map((f) => f.familyName).join(', ')}, not the console's emoji font`);
  }
  // Away from the messages, so no hover controls show.
  await page.mouse.move(1, 1);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await session.close();
}
