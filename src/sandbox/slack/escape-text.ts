import type { Workspace } from './workspace.ts';

/**
 * What Slack does to a slash command's text when the command has `should_escape: true`: `&`, `<` and `>`
 * become entities, and a typed `@name`, `@group` or `#channel` that names something in the workspace
 * becomes `<@U…|name>`, `<!subteam^S…|@group>` or `<#C…|channel>`.
 */
export function escapeCommandText(text: string, workspace: Workspace): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(/(^|[\s(])([@#])([\w.-]+)/g, (whole, before: string, sigil: string, name: string) => {
    if (sigil === '#') {
      const channel = workspace.channels.find((c) => c.name === name && !c.imUser);
      return channel ? `${before}<#${channel.id}|${channel.name}>` : whole;
    }
    const user = workspace.users.find((u) => u.name === name && !u.isBot);
    if (user) return `${before}<@${user.id}|${user.name}>`;
    const group = workspace.usergroups.find((g) => g.handle === name);
    return group ? `${before}<!subteam^${group.id}|@${group.handle}>` : whole;
  });
}
