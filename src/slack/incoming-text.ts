/**
 * Slack sends command text with `&`, `<`, `>` escaped and mentions wrapped:
 * `<@U123|alice>`, `<!subteam^S1|@sre>`, `<#C1|deploys>`, `<https://x|label>`.
 * Reduce them to what a person typed and meant (a user id, `@handle`, a channel id, a URL), so the
 * core reads plain text whatever chat it came from. Broadcasts (`<!here>`) stay as written: they mean
 * nothing to a command, and shown back they are escaped like any other text.
 */
export function unescapeSlackText(text: string): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<!subteam\^[A-Z0-9]+\|(@[^>]+)>/g, '$1')
    .replace(/<#([CG][A-Z0-9]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
