export {
  CloudWatchLogsEmulator,
  type CloudWatchLogsEmulatorOptions,
  type GeneratorHandle,
  type LogEvent,
} from './emulator.ts';
export type { FailureSpec } from './faults.ts';
export type { LiveTailOptions, LiveTailSessionInfo } from './live-tail.ts';
export type { ErrorBurst, GenerateOptions } from './generator.ts';
export type { MessageContext } from './log-lines.ts';
export type { RequestLogEntry } from './protocol.ts';
export type { NewEvent } from './store.ts';
