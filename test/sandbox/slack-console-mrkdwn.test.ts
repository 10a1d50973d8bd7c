import { describe, expect, it } from 'vitest';

interface MrkdwnNode {
  type: string;
  text?: string;
  url?: string;
  kind?: string;
  id?: string;
  name?: string;
  children?: MrkdwnNode[];
}
interface Names {
  user?: (id: string) => string | undefined;
  channel?: (id: string) => string | undefined;
  usergroup?: (id: string) => string | undefined;
}
interface MrkdwnModule {
  EMOJI: Record<string, string>;
  parseMrkdwn(text: string, names?: Names): MrkdwnNode[];
  parsePlain(text: string): MrkdwnNode[];
  unescapeEntities(text: string): string;
}

// The browser's parser is plain JavaScript without types; a non-literal specifier keeps tsc from resolving it.
const modulePath = '../../src/sandbox/slack/console/mrkdwn.js';
const { EMOJI, parseMrkdwn, parsePlain, unescapeEntities } = (await import(modulePath)) as MrkdwnModule;

const NAMES: Names = {
  user: (id) => ({ U0BOB: 'bob', U0ALICE: 'alice' })[id],
  channel: (id) => ({ C0DEPLOYS: 'deploys' })[id],
  usergroup: (id) => ({ S0SRE: 'sre-oncall' })[id],
};
const parse = (text: string) => parseMrkdwn(text, NAMES);
const text = (t: string) => ({ type: 'text', text: t });

describe('console mrkdwn', () => {
  it('parses bold, italic, strike and inline code', () => {
    expect(parse('*bold* _italic_ ~gone~ `kubectl get pods`')).toEqual([
      { type: 'bold', children: [text('bold')] },
      text(' '),
      { type: 'italic', children: [text('italic')] },
      text(' '),
      { type: 'strike', children: [text('gone')] },
      text(' '),
      { type: 'code', text: 'kubectl get pods' },
    ]);
  });

  it('nests mentions and emoji inside emphasis, and leaves identifiers with underscores alone', () => {
    expect(parse('*Approved by <@U0BOB>* :white_check_mark:')).toEqual([
      { type: 'bold', children: [text('Approved by '), { type: 'mention', kind: 'user', id: 'U0BOB', text: '@bob' }] },
      text(' '),
      { type: 'emoji', name: 'white_check_mark', text: '✅' },
    ]);
    expect(parse('api_prod_v1 and snake_case_name, 2*3*4')).toEqual([text('api_prod_v1 and snake_case_name, 2*3*4')]);
    expect(parse('* not bold *')).toEqual([text('* not bold *')]);
  });

  it('keeps code blocks verbatim apart from the three entities', () => {
    expect(parse('Logs:\n```\n*not bold* &lt;tag&gt; &amp;amp;\nline 2```done')).toEqual([
      text('Logs:\n'),
      { type: 'pre', text: '*not bold* <tag> &amp;\nline 2' },
      text('done'),
    ]);
  });

  it('makes links of http and https URLs only, with & unescaped', () => {
    expect(parse('<https://ci.example.com/run?id=1&amp;x=2|the run>')).toEqual([
      { type: 'link', url: 'https://ci.example.com/run?id=1&x=2', children: [text('the run')] },
    ]);
    expect(parse('<http://example.com/a_b_c>')).toEqual([
      { type: 'link', url: 'http://example.com/a_b_c', children: [text('http://example.com/a_b_c')] },
    ]);
    expect(parse('<https://gh.example/commit/79ce4a7|`79ce4a7`>')).toEqual([
      { type: 'link', url: 'https://gh.example/commit/79ce4a7', children: [{ type: 'code', text: '79ce4a7' }] },
    ]);
    expect(parse('<javascript:alert(1)|click me>')).toEqual([text('click me')]);
  });

  it('names users, channels and user groups, and falls back to ids or labels', () => {
    expect(
      parse('<#C0DEPLOYS> <!subteam^S0SRE> <!here> <@U0NOBODY> <#C0X|ops> <!subteam^S0X|@dbas>').filter(
        (n) => n.type !== 'text',
      ),
    ).toEqual([
      { type: 'mention', kind: 'channel', id: 'C0DEPLOYS', text: '#deploys' },
      { type: 'mention', kind: 'usergroup', id: 'S0SRE', text: '@sre-oncall' },
      { type: 'mention', kind: 'special', id: 'here', text: '@here' },
      { type: 'mention', kind: 'user', id: 'U0NOBODY', text: '@U0NOBODY' },
      { type: 'mention', kind: 'channel', id: 'C0X', text: '#ops' },
      { type: 'mention', kind: 'usergroup', id: 'S0X', text: '@dbas' },
    ]);
  });

  it('replaces the emoji codes opsdeck uses and leaves unknown ones as text', () => {
    expect(Object.keys(EMOJI).sort()).toEqual([
      'arrows_counterclockwise',
      'heavy_multiplication_x',
      'hourglass',
      'hourglass_flowing_sand',
      'lock',
      'no_entry',
      'rotating_light',
      'scroll',
      'unlock',
      'warning',
      'white_check_mark',
      'x',
    ]);
    expect(parse(':x: failed :service: :rotating_light:')).toEqual([
      { type: 'emoji', name: 'x', text: '❌' },
      text(' failed :service: '),
      { type: 'emoji', name: 'rotating_light', text: '🚨' },
    ]);
    expect(parsePlain(':lock: api *prod*')).toEqual([{ type: 'emoji', name: 'lock', text: '🔒' }, text(' api *prod*')]);
  });

  it('unescapes &lt; &gt; &amp; once', () => {
    expect(unescapeEntities('a &lt;b&gt; &amp;lt; &quot;')).toBe('a <b> &lt; &quot;');
    expect(parse('1 &lt; 2 &amp;&amp; 3 &gt; 2')).toEqual([text('1 < 2 && 3 > 2')]);
  });
});
