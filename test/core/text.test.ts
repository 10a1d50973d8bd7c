import { describe, expect, it } from 'vitest';
import {
  bold,
  channel,
  code,
  concat,
  emoji,
  group,
  type Inline,
  join,
  link,
  mention,
  parts,
  plainText,
  t,
  type Text,
} from '../../src/core/text.ts';

describe('t: text from a template', () => {
  it.each<[string, Inline[], Inline[]]>([
    ['plain strings stay one string', t`a ${'b'} c`, ['a b c']],
    ['numbers are plain text', t`${3} of ${10}`, ['3 of 10']],
    ['a part goes in as a part', t`hi ${mention('U1')}!`, ['hi ', { mention: 'U1' }, '!']],
    ['nested text is flattened', t`[${t`x ${code('y')}`}]`, ['[x ', { code: 'y' }, ']']],
    ['empty strings leave nothing', t`${''}${mention('U1')}${''}`, [{ mention: 'U1' }]],
    ['text that looks like markup is a string', t`${'<@U1> *b*'}`, ['<@U1> *b*']],
  ])('%s', (_name, built, expected) => {
    expect(built).toEqual(expected);
  });
});

describe('join, concat, parts', () => {
  it.each<[string, Inline[], Inline[]]>([
    ['join puts the separator between', join([code('a'), code('b')], ' or '), [{ code: 'a' }, ' or ', { code: 'b' }]],
    ['join of one is that one', join(['a'], ', '), ['a']],
    ['join of none is empty', join([], ', '), []],
    ['join merges strings', join(['a', 'b'], '\n'), ['a\nb']],
    ['concat runs pieces together', concat(t`a ${bold('b')} `, 'c'), ['a ', { bold: 'b' }, ' c']],
    ['parts of a string is one part', parts('x'), ['x']],
    ['parts of parts is the same', parts([{ emoji: 'x' }]), [{ emoji: 'x' }]],
  ])('%s', (_name, built, expected) => {
    expect(built).toEqual(expected);
  });

  it('takes a part where text goes', () => {
    expect(link('https://x.example', code('abc'))).toEqual({ link: 'https://x.example', label: [{ code: 'abc' }] });
    expect(bold(code('x'))).toEqual({ bold: [{ code: 'x' }] });
  });
});

describe('plainText: for logs, the audit log and the terminal', () => {
  it.each<[string, Text, string]>([
    ['a string as written', 'a <b> & c', 'a <b> & c'],
    ['people and groups by id', t`${mention('U1')} and ${group('S1')}`, '@U1 and @S1'],
    ['channels by id', t`in ${channel('C1')}`, 'in #C1'],
    ['code between backticks', t`run ${code('/ops help')}`, 'run `/ops help`'],
    ['emphasis without marks', t`${bold('prod')}`, 'prod'],
    ['links by label and URL', t`${link('https://x.example', 'docs')}`, 'docs (https://x.example)'],
    ['a bare link by its URL', t`${link('https://x.example')}`, 'https://x.example'],
    ['emoji by name', t`${emoji('x')} failed`, ':x: failed'],
    ['stored markup as it was', [{ markup: '<@U1> did it' }], '<@U1> did it'],
  ])('%s', (_name, text, expected) => {
    expect(plainText(text)).toBe(expected);
  });
});
