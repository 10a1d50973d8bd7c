import { invalidParameter } from './errors.ts';
import type { Params } from './params.ts';

// Fixed account and region: ARNs are only echoed back, nothing authorizes against them.
const ARN_PREFIX = 'arn:aws:logs:us-east-1:123456789012:log-group:';

export const groupArn = (name: string): string => `${ARN_PREFIX}${name}`;

export const streamArn = (group: string, stream: string): string => `${ARN_PREFIX}${group}:log-stream:${stream}`;

/**
 * The group a read operation names: `logGroupName`, or `logGroupIdentifier` (a name or an ARN without the
 * trailing `:*`), never both.
 */
export function groupNameOf(params: Params): string {
  const name = params.string('logGroupName', { min: 1, max: 512 });
  const identifier = params.string('logGroupIdentifier', { min: 1, max: 2048 });
  if (name !== undefined && identifier !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (identifier !== undefined) return groupOfIdentifier(identifier);
  if (name === undefined) throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
  return name;
}

/** The group named by a log group identifier: its name, or an ARN without the trailing `:*`. */
export function groupOfIdentifier(identifier: string): string {
  if (!identifier.startsWith('arn:')) return identifier;
  const match = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)$/.exec(identifier);
  if (!match?.[1]) throw invalidParameter(`Invalid log group ARN: ${identifier}`);
  return match[1];
}
