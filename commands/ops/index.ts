/** The `/ops` family: help, identity and the audit trail. */
export { audit } from './audit.ts';
export { help } from './help.ts';
export { whoami } from './whoami.ts';
