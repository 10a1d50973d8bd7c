// In a file of its own: the bot's thread tells open errors apart without loading the store, which runs on
// its own thread.
/** The store cannot be opened: a missing or unreadable file, a failed migration. */
export class StoreOpenError extends Error {}
