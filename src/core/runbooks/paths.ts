// Which files are runbooks and what they are called: all a source needs, without the parsers.

export const runbookId = (path: string): string => path.replace(/\.md$/i, '');

/** Markdown files other than READMEs, which describe a folder rather than an incident. */
export const isRunbookPath = (path: string): boolean => /\.md$/i.test(path) && !/(^|\/)readme\.md$/i.test(path);
