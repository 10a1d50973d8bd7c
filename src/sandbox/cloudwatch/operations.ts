import type { Operation } from './context.ts';
import { describeLogGroups, describeLogStreams } from './describe.ts';
import { filterLogEvents } from './filter-log-events.ts';
import { getLogEvents } from './get-log-events.ts';
import { createLogGroup, createLogStream, putLogEvents } from './writes.ts';

/** The operations this emulator answers, by the name after `Logs_20140328.` in `X-Amz-Target`. */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map([
  ['FilterLogEvents', filterLogEvents],
  ['GetLogEvents', getLogEvents],
  ['DescribeLogGroups', describeLogGroups],
  ['DescribeLogStreams', describeLogStreams],
  ['PutLogEvents', putLogEvents],
  ['CreateLogGroup', createLogGroup],
  ['CreateLogStream', createLogStream],
]);
