import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/core/tokenize.ts';
import { unescapeSlackText } from '../../src/slack/incoming-text.ts';

/** What the core's tokenizer makes of a slash command's text once the Slack layer has read it. */
const texts = (raw: string) => tokenize(unescapeSlackText(raw)).map((t) => t.text);

describe('Slack command text reaches the tokenizer as what was meant', () => {
  it.each<[string, string, string[]]>([
    ['&lt; &gt; &amp;', 'a&lt;b&gt;c &amp;d', ['a<b>c', '&d']],
    ['an escaped entity the user typed literally', '&amp;lt;', ['&lt;']],
    ['user mention with label', 'approve <@U123|alice>', ['approve', 'U123']],
    ['user mention without label', '<@U123>', ['U123']],
    ['enterprise user mention', '<@W0ABC|bob>', ['W0ABC']],
    ['usergroup mention', 'page <!subteam^S1|@sre>', ['page', '@sre']],
    ['channel mention', 'in <#C1|deploys>', ['in', 'C1']],
    ['channel mention without label', '<#C0DEPLOYS>', ['C0DEPLOYS']],
    ['private channel mention', '<#G42|secret>', ['G42']],
    [
      'link with label',
      'see <https://example.com/a?b=1&amp;c=2|example.com>',
      ['see', 'https://example.com/a?b=1&c=2'],
    ],
    ['link without label', '<https://example.com>', ['https://example.com']],
    ['mailto link', '<mailto:sre@example.com|sre@example.com>', ['mailto:sre@example.com']],
    ['mention inside quotes', '"ask <@U1|al> now"', ['ask U1 now']],
  ])('%s', (_name, raw, expected) => {
    expect(texts(raw)).toEqual(expected);
  });

  it('unescapeSlackText reduces a whole message', () => {
    expect(unescapeSlackText('<@U1|a> &amp; <!subteam^S9|@eng> in <#C2|ops>: x &gt; 1')).toBe('U1 & @eng in C2: x > 1');
  });

  it('leaves broadcasts as written: they mean nothing to a command', () => {
    expect(unescapeSlackText('x <!here> <!channel|@channel>')).toBe('x <!here> <!channel|@channel>');
  });
});
