import AppFile from '@slack/bolt/dist/App.js';
import HTTPReceiverFile from '@slack/bolt/dist/receivers/HTTPReceiver.js';
import SocketModeReceiverFile from '@slack/bolt/dist/receivers/SocketModeReceiver.js';

// Bolt's entry point loads every receiver, Express's (with express, mime-db and their kin) and AWS Lambda's
// among them, which opsdeck never uses. Taking the app and the two receivers from their own files
// keeps about 430 KB of source out of every start: about an eighth off the time to /readyz. The files are
// CommonJS: Node and esbuild hand over their `module.exports`, vitest its `default`; `defaultOf` takes either.
// Types, and anything else of Bolt's, still come from '@slack/bolt'.
const defaultOf = <T>(file: { default: T }): T => (typeof file === 'function' ? (file as T) : file.default);

export const App = defaultOf(AppFile);
export type App = InstanceType<typeof App>;
export const HTTPReceiver = defaultOf(HTTPReceiverFile);
export type HTTPReceiver = InstanceType<typeof HTTPReceiver>;
export const SocketModeReceiver = defaultOf(SocketModeReceiverFile);
export type SocketModeReceiver = InstanceType<typeof SocketModeReceiver>;
