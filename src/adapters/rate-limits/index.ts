export { type JobOptions, LimitGroup, type LimitSettings } from './limit-group.ts';
export { priorityOf } from './priority.ts';
export { SharedLimits, type SharedLimitsOptions } from './shared-limits.ts';
