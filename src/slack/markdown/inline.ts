import { escapeMrkdwn } from '../mrkdwn.ts';

// Code spans first so nothing inside them is converted; then images, links and <autolinks>.
const SPECIAL = new RegExp(
  [
    /(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)/.source,
    /!\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/.source,
    /\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/.source,
    /<((?:https?|mailto):[^>\s]+)>/.source,
  ].join('|'),
  'g',
);

const BOLD = '\u0001';

function emphasis(escaped: string): string {
  return escaped
    .replace(
      /\*\*(?!\s)(.+?)(?<!\s)\*\*|__(?!\s)(.+?)(?<!\s)__/g,
      (_, a?: string, b?: string) => `${BOLD}${a ?? b}${BOLD}`,
    )
    .replace(/(?<![*\w])\*(?![\s*])([^*\n]+?)(?<![\s*])\*(?![*\w])/g, '_$1_')
    .replace(/~~(?!\s)(.+?)(?<!\s)~~/g, '~$1~')
    .replaceAll(BOLD, '*');
}

// Inside <url|label> the URL may not contain `|` or `>`; `&` is escaped like everywhere else.
const slackUrl = (url: string): string => escapeMrkdwn(url).replace(/\|/g, '%7C');

/** Markdown inline syntax → Slack mrkdwn: `**b**` → `*b*`, `*i*` → `_i_`, `[t](u)` → `<u|t>`, code kept. */
export function inlineMrkdwn(markdown: string): string {
  let out = '';
  let last = 0;
  for (const m of markdown.matchAll(SPECIAL)) {
    out += emphasis(escapeMrkdwn(markdown.slice(last, m.index)));
    last = m.index + m[0].length;
    const [, ticks, code, alt, imageUrl, label, linkUrl, autolink] = m;
    if (ticks !== undefined) out += `\`${escapeMrkdwn(code ?? '').trim()}\``;
    else if (imageUrl !== undefined) out += `<${slackUrl(imageUrl)}|${escapeMrkdwn(alt || imageUrl)}>`;
    else if (linkUrl !== undefined) out += `<${slackUrl(linkUrl)}|${emphasis(escapeMrkdwn(label ?? ''))}>`;
    else out += `<${slackUrl(autolink ?? '')}>`;
  }
  return out + emphasis(escapeMrkdwn(markdown.slice(last)));
}

/** Markdown inline syntax → plain text (header blocks and table cells): markers dropped, links by their text. */
export function inlinePlain(markdown: string): string {
  return markdown
    .replace(
      SPECIAL,
      (_, _ticks, code?: string, alt?: string, _iu?: string, label?: string, _lu?: string, auto?: string) =>
        (code ?? alt ?? label ?? auto ?? '').trim(),
    )
    .replace(/\*\*(?!\s)(.+?)(?<!\s)\*\*|__(?!\s)(.+?)(?<!\s)__/g, (_, a?: string, b?: string) => a ?? b ?? '')
    .replace(/(?<![*\w])[*_](?![\s*_])([^*_\n]+?)(?<![\s*_])[*_](?![*\w])/g, '$1')
    .replace(/~~(.+?)~~/g, '$1');
}
