import { badRequest, unsupportedMediaType } from './api-error.ts';
import { applyJsonPatch, isRecord } from './json-patch.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

/** Applies a PATCH body to `document` according to the request's Content-Type. */
export function applyPatch(contentType: string | undefined, document: unknown, body: string): unknown {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!(PATCH_TYPES as readonly string[]).includes(mediaType)) throw unsupportedMediaType(PATCH_TYPES);
  let patch: unknown;
  try {
    patch = JSON.parse(body);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
  if (mediaType === 'application/json-patch+json') return applyJsonPatch(document, patch);
  if (mediaType === 'application/merge-patch+json') return applyMergePatch(document, patch);
  return applyStrategicMergePatch(document, patch);
}

/** RFC 7386 JSON Merge Patch. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
