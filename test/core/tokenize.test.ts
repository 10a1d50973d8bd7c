import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { MAX_TEXT_LENGTH, tokenize, type Token } from '../../src/core/tokenize.ts';

const texts = (raw: string) => tokenize(raw).map((t) => t.text);
const word = (text: string): Token => ({ text, quoted: false });
const quoted = (text: string): Token => ({ text, quoted: true });

describe('tokenize: words and quotes', () => {
  it.each<[string, string, Token[]]>([
    ['plain words', 'api prod v1.4.2', [word('api'), word('prod'), word('v1.4.2')]],
    ['empty text', '', []],
    ['only spaces', '   ', []],
    ['runs of spaces', '  api    prod  ', [word('api'), word('prod')]],
    [
      'tabs and newlines are whitespace',
      'api\tprod\n12\r\n--force',
      [word('api'), word('prod'), word('12'), word('--force')],
    ],
    ['double quotes', 'lock "deploy freeze" now', [word('lock'), quoted('deploy freeze'), word('now')]],
    ['single quotes', "lock 'deploy freeze'", [word('lock'), quoted('deploy freeze')]],
    ['curly double quotes', 'lock \u201cdeploy freeze\u201d', [word('lock'), quoted('deploy freeze')]],
    ['curly single quotes', 'lock \u2018deploy freeze\u2019', [word('lock'), quoted('deploy freeze')]],
    ['German low-high quotes', 'lock \u201edeploy freeze\u201c', [word('lock'), quoted('deploy freeze')]],
    ['guillemets', 'lock \u00abdeploy freeze\u00bb', [word('lock'), quoted('deploy freeze')]],
    ['mismatched curly “…“', '\u201cdeploy freeze\u201c', [quoted('deploy freeze')]],
    ['mismatched curly ”…”', '\u201ddeploy freeze\u201d', [quoted('deploy freeze')]],
    ['mismatched curly „…”', '\u201edeploy freeze\u201d', [quoted('deploy freeze')]],
    ['empty quotes are an empty quoted token', 'a "" b', [word('a'), quoted(''), word('b')]],
    ['a single quote inside double quotes', '"it\'s fine"', [quoted("it's fine")]],
    ['a double quote inside single quotes', '\'say "hi"\'', [quoted('say "hi"')]],
    ['apostrophe inside a word', "don't deploy", [word("don't"), word('deploy')]],
    ['curly apostrophe inside a word', 'don\u2019t deploy', [word('don\u2019t'), word('deploy')]],
    ['quoted part joined to a word', 'v"1 2"x', [word('v1 2x')]],
    ['quoted flag is a value', '"--force"', [quoted('--force')]],
    ['quoted flag in curly quotes is a value', '\u201c--force\u201d', [quoted('--force')]],
  ])('%s', (_name, raw, expected) => {
    expect(tokenize(raw)).toEqual(expected);
  });
});

describe('tokenize: flags', () => {
  it.each<[string, string, Token[]]>([
    ['--flag=value', '--since=15m', [word('--since=15m')]],
    ['--flag="quoted value" stays a flag', '--reason="a b"', [word('--reason=a b')]],
    ["--flag='quoted value' stays a flag", "--reason='a b' x", [word('--reason=a b'), word('x')]],
    ['--flag=‘curly single’', '--reason=\u2018a b\u2019', [word('--reason=a b')]],
    ['--flag=“curly value”', '--reason=\u201ca b\u201d', [word('--reason=a b')]],
    ['em dash flag', '\u2014since 15m', [word('--since'), word('15m')]],
    ['en dash flag', '\u2013since 15m', [word('--since'), word('15m')]],
    ['em dash then hyphen', '\u2014-since', [word('--since')]],
    ['em dash flag with a quoted value', '\u2014reason="a b"', [word('--reason=a b')]],
    ['a lone em dash is text', 'a \u2014 b', [word('a'), word('\u2014'), word('b')]],
    ['a quoted em dash is left alone', '"\u2014since"', [quoted('\u2014since')]],
    ['a dash inside a word is left alone', 'blue\u2014green', [word('blue\u2014green')]],
  ])('%s', (_name, raw, expected) => {
    expect(tokenize(raw)).toEqual(expected);
  });
});

describe('tokenize: chat markup is not its business', () => {
  // The chat front end turns its markup into text before dispatch; what reaches the core is taken as typed.
  it('keeps what looks like Slack markup as text', () => {
    expect(texts('<@U1|a> &amp; <#C2>')).toEqual(['<@U1|a>', '&amp;', '<#C2>']);
  });
});

describe('tokenize: refused input', () => {
  it.each<[string, string, RegExp]>([
    ['unclosed double quote', 'lock "deploy freeze', /Unclosed quote "/],
    ['unclosed single quote', "lock 'deploy", /Unclosed quote '/],
    ['unclosed curly quote', 'lock \u201cdeploy', /Unclosed quote \u201c/],
    ['unclosed guillemet', '\u00abdeploy', /Unclosed quote \u00ab/],
    ['one character too long', 'a'.repeat(MAX_TEXT_LENGTH + 1), /too long \(2001 characters; the limit is 2000\)/],
    ['a 10 kB string', 'x '.repeat(5_000), /too long \(10000 characters/],
    ['NUL', 'api\u0000prod', /control characters/],
    ['ESC', 'api \u001b[31mprod', /control characters/],
    ['DEL', 'api\u007f', /control characters/],
    ['bidi override U+202E', 'api \u202edorp', /control characters/],
    ['bidi isolate U+2066', 'api \u2066prod', /control characters/],
    ['vertical tab', 'api\u000bprod', /control characters/],
  ])('%s', (_name, raw, message) => {
    let caught: unknown;
    try {
      tokenize(raw);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as Error).message).toMatch(message);
  });

  it('accepts text of exactly the maximum length', () => {
    expect(tokenize('a'.repeat(MAX_TEXT_LENGTH))).toEqual([word('a'.repeat(MAX_TEXT_LENGTH))]);
  });
});
