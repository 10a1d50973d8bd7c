import type { Command } from './command.ts';
import type { Token } from './tokenize.ts';

/** The registered commands, as help, runbooks and the dispatcher see them. */
export interface CommandList {
  families(): string[];
  all(): Command[];
  /** Picks the command for `/family words…`; throws a UserError with "did you mean" when there is none. */
  resolve(family: string, tokens: readonly Token[]): { spec: Command; rest: Token[] };
  /** Rewrites `/family` in a usage line or example to the name the command has in this workspace. */
  rename(text: string): string;
}
