import type { TextIndex } from './text-index.ts';

/**
 * Builds the runbooks' text index from their field texts (`fieldTexts`, runbook-fields.ts), given one
 * runbook at a time in order, with another thread: it indexes the runbooks given so far while the library
 * parses the next files, and `finish` shares what it has not reached with the caller's thread.
 */
export interface TextIndexBuilder {
  add(texts: readonly string[]): void;
  finish(): Promise<TextIndex>;
  /** Ends a build that will not be finished (the files could not be read). */
  cancel(): void;
}

/** Starts a build of about `expected` runbooks. */
export type StartIndexBuild = (expected: number) => Promise<TextIndexBuilder>;
