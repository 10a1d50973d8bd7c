import type { MessageSource } from './message-store.ts';

/** A slash command the console offers for completion; the same three fields as the Slack app manifest. */
export interface ConsoleCommand {
  /** With the leading slash, e.g. `/deploy`. */
  command: string;
  description: string;
  usageHint: string;
  /** As the manifest's `should_escape`: typed `@alice` and `#deploys` reach the bot as Slack's references. */
  shouldEscape?: boolean;
}

/** A shortcut the console's shortcuts menu offers, as the manifest declares it. */
export interface ConsoleShortcut {
  name: string;
  type: 'global' | 'message';
  callbackId: string;
  description: string;
}

/** A choice the person makes before running a control, e.g. which service's next rollout should fail. */
export interface ConsoleControlParam {
  name: string;
  options: string[];
}

/** A button in the console's "Sandbox controls" panel that acts on the emulated world. */
export interface ConsoleControl {
  id: string;
  label: string;
  description?: string;
  params?: ConsoleControlParam[];
  /** Receives one value per declared param, each one of its options; resolves with text to show. */
  run(params: Record<string, string>): Promise<string>;
}

export interface ConsoleOptions {
  commands: ConsoleCommand[];
  shortcuts?: ConsoleShortcut[];
  controls?: ConsoleControl[];
}

/** A file as the browser sees it: enough to show a snippet, with the bytes left at `/files/<id>`. */
export interface ConsoleFile {
  id: string;
  name: string;
  title: string;
  size: number;
  /** The first lines of the content, decoded as UTF-8. */
  preview: string;
  url: string;
}

/** A stored message as JSON for the browser; files are described rather than sent as bytes. */
export interface ConsoleMessage {
  ts: string;
  channel: string;
  threadTs?: string;
  user?: string;
  botId?: string;
  text: string;
  blocks: unknown[];
  ephemeralTo?: string;
  edited?: boolean;
  deleted?: boolean;
  files?: ConsoleFile[];
  source: MessageSource;
}
