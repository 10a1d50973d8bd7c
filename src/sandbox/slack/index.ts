export type {
  ConsoleCommand,
  ConsoleControl,
  ConsoleControlParam,
  ConsoleFile,
  ConsoleMessage,
  ConsoleOptions,
} from './console-types.ts';
export type { SlackFailure } from './failures.ts';
export type { StoredFile } from './file-store.ts';
export type { Args } from './http-util.ts';
export type {
  BlockActionInput,
  BotResponse,
  DeliveryOptions,
  SigningOverrides,
  SlashCommandInput,
  Transport,
} from './interactions.ts';
export type { MessageQuery, MessageSource, StoredMessage } from './message-store.ts';
export type { ResponseUrlLimits } from './response-urls.ts';
export { signSlackRequest } from './signing.ts';
export type { EnvelopeType, SocketEvent, SocketPick } from './socket-mode.ts';
export {
  type ApiCall,
  SlackEmulator,
  type SlackEmulatorEvents,
  type SlackEmulatorOptions,
  type UserMessageInput,
} from './emulator.ts';
export {
  type BotSeed,
  type Channel,
  type ChannelSeed,
  DEFAULT_WORKSPACE,
  type TeamSeed,
  type User,
  type UserSeed,
  type UsergroupSeed,
  Workspace,
  type WorkspaceSeed,
} from './workspace.ts';
export type {
  MessageActionInput,
  ShortcutInput,
  SuggestionInput,
  ViewActionInput,
  ViewSubmissionInput,
  ViewValues,
} from './surfaces.ts';
export type { StoredView } from './views.ts';
