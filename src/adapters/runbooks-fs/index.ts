export { FsRunbookSource } from './fs-runbook-source.ts';
