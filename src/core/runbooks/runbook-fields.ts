import type { Runbook } from './parse.ts';
import { indexTerms } from './search-terms.ts';

/** What the text index holds of a runbook, field by field: a thread that builds the index needs only this. */
export const FIELDS = ['title', 'alerts', 'services', 'tags', 'body'] as const;

export const fieldTexts = (runbook: Runbook): string[] =>
  FIELDS.map((field) => {
    const value = runbook[field];
    return Array.isArray(value) ? value.join(' ') : value;
  });

/** The index terms of a word as written. */
export const analyse = (word: string): readonly string[] => indexTerms(word) ?? [];
