import type { ConsoleFile, ConsoleMessage, ConsoleOptions } from './console-types.ts';
import type { StoredFile } from './file-store.ts';
import type { StoredMessage } from './message-store.ts';
import { filePath } from './web-api-files.ts';
import type { Workspace } from './workspace.ts';

const PREVIEW_LINES = 6;
const PREVIEW_CHARS = 800;

function toConsoleFile(file: StoredFile): ConsoleFile {
  const lines = (file.content?.toString('utf8') ?? '').split('\n').slice(0, PREVIEW_LINES);
  return {
    id: file.id,
    name: file.filename,
    title: file.title,
    size: file.content?.length ?? 0,
    preview: lines.join('\n').slice(0, PREVIEW_CHARS),
    url: filePath(file.id),
  };
}

/** Stored messages hold file bytes; the browser gets a snippet and a download link instead. */
export function toConsoleMessage(message: StoredMessage): ConsoleMessage {
  const { files, ...rest } = message;
  return files === undefined ? { ...rest } : { ...rest, files: files.map(toConsoleFile) };
}

/**
 * Everything the page needs to draw itself. All messages are included, ephemeral and deleted ones too: the
 * browser decides what the person it is acting as may see, so switching users needs no round trip.
 */
export function consoleState(
  workspace: Workspace,
  options: ConsoleOptions,
  messages: StoredMessage[],
  seq: number,
): Record<string, unknown> {
  return {
    seq,
    team: { name: workspace.team.name },
    bot: { ...workspace.botAuthor, name: workspace.bot.name },
    users: workspace.users.map(({ id, name, realName, isBot }) => ({ id, name, realName, isBot })),
    usergroups: workspace.usergroups.map(({ id, handle, name }) => ({ id, handle, name })),
    channels: workspace.channels.map(({ id, name, isPrivate, imUser }) => ({
      id,
      name,
      isPrivate,
      ...(imUser === undefined ? {} : { imUser }),
    })),
    commands: options.commands,
    shortcuts: options.shortcuts ?? [],
    // run() stays on the server; the page only needs what to draw.
    controls: (options.controls ?? []).map(({ id, label, description, params }) => ({
      id,
      label,
      ...(description === undefined ? {} : { description }),
      params: params ?? [],
    })),
    messages: messages.map(toConsoleMessage),
  };
}
