import { describe, expect, it } from 'vitest';
import { bold, channel, code, emoji, group, link, mention, t, type Text } from '../../src/core/text.ts';
import { toMrkdwn, toPlainText } from '../../src/slack/mrkdwn.ts';

describe('toMrkdwn: every part in Slack syntax, every plain string escaped', () => {
  it.each<[string, Text, string]>([
    ['a string', 'deployed', 'deployed'],
    ['&, < and > in a string', 'a & b <c>', 'a &amp; b &lt;c&gt;'],
    ['a broadcast typed as text', 'hi <!channel>', 'hi &lt;!channel&gt;'],
    ['a disguised link typed as text', '<https://evil.example|docs>', '&lt;https://evil.example|docs&gt;'],
    ['emphasis marks in a string pass as written', '*x* `y`', '*x* `y`'],
    ['a mention', t`by ${mention('U0BOB')}`, 'by <@U0BOB>'],
    ['a channel', t`in ${channel('C0DEPLOYS')}`, 'in <#C0DEPLOYS>'],
    ['a user group', t`${group('S0SRE')} please review`, '<!subteam^S0SRE> please review'],
    ['an id that is not one is shown as text', t`${mention('U1> <!here')}`, 'U1&gt; &lt;!here'],
    [
      'a link with a label',
      t`${link('https://x.example/a?b=1&c=2', 'compare')}`,
      '<https://x.example/a?b=1&amp;c=2|compare>',
    ],
    [
      'a link whose URL would end it early',
      t`${link('https://x.example/a|b>c', 'x')}`,
      '<https://x.example/a%7Cb&gt;c|x>',
    ],
    [
      'a link with code as its label',
      t`${link('https://x.example', code('abc1234'))}`,
      '<https://x.example|`abc1234`>',
    ],
    ['a link without a label', t`${link('https://x.example')}`, '<https://x.example>'],
    ['code', t`run ${code('a <b> & c')}`, 'run `a &lt;b&gt; &amp; c`'],
    ['a backtick inside code', t`${code('say `hi`')}`, "`say 'hi'`"],
    ['a mention inside code', t`${code(t`--actor ${mention('U1')}`)}`, '`--actor <@U1>`'],
    ['bold', t`to ${bold('prod')}`, 'to *prod*'],
    ['bold around a mention', t`${bold(t`by ${mention('U1')}`)}`, '*by <@U1>*'],
    ['bold inside code shows no marks', t`${code(bold('x'))}`, '`x`'],
    ['an emoji', t`${emoji('white_check_mark')} done`, ':white_check_mark: done'],
    ['an emoji name that is not one', t`${emoji('x: <!here> :y')}`, 'x: &lt;!here&gt; :y'],
    ['stored markup as written', [{ markup: '<@U1> wants *this*' }], '<@U1> wants *this*'],
  ])('%s', (_name, text, expected) => {
    expect(toMrkdwn(text)).toBe(expected);
  });
});

describe("toPlainText: Slack's plain_text fields", () => {
  it.each<[string, Text, string]>([
    ['a string needs no escaping', 'a & <b>', 'a & <b>'],
    ['code and bold without marks', t`${bold('Approve')} ${code('v1')}`, 'Approve v1'],
    ['a link by its label', t`${link('https://x.example', 'source')}`, 'source'],
    ['emoji by name', t`${emoji('lock')} Lock`, ':lock: Lock'],
  ])('%s', (_name, text, expected) => {
    expect(toPlainText(text)).toBe(expected);
  });
});
