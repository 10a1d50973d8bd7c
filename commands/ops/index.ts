/** The `/ops` family: help, identity, the audit trail, locks and status. */
export { audit } from './audit.ts';
export { explain } from './explain.ts';
export { help } from './help.ts';
export { lock, locks, unlock } from './lock.ts';
export { reviews } from './reviews.ts';
export { status } from './status.ts';
export { whoami } from './whoami.ts';
export { runbooksReload } from './runbooks.ts';
