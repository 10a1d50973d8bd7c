import { createHash } from 'node:crypto';
import { POD_TEMPLATE_HASH } from './annotations.ts';
import type { PodTemplateSpec } from './types.ts';

/** The alphabet of k8s.io/apimachinery/pkg/util/rand.SafeEncodeString: no vowels, so no accidental words. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Stable JSON with sorted keys, so equal templates compare and hash equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function withoutHashLabel(template: PodTemplateSpec): PodTemplateSpec {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}

/** Template equality the way the controller and `kubectl rollout undo` judge it: ignoring pod-template-hash. */
export function sameTemplate(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}

export function templateHash(template: PodTemplateSpec): string {
  const digest = createHash('sha256')
    .update(canonicalJson(withoutHashLabel(template)))
    .digest();
  return safeEncode(digest, 10);
}

export function safeEncode(bytes: Uint8Array, length: number): string {
  return Array.from(bytes.subarray(0, length), (b) => SAFE_ALPHABET[b % SAFE_ALPHABET.length]).join('');
}
