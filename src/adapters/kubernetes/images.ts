/** `repo[:tag][@digest]` split the way container runtimes read it: a tag is a `:` after the last `/`. */
export function parseImage(image: string): { repository: string; tag: string | undefined } {
  const withoutDigest = image.split('@')[0] ?? image;
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > withoutDigest.lastIndexOf('/')) {
    return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  }
  return { repository: withoutDigest, tag: undefined };
}

const FULL_SHA = /^[0-9a-f]{40}$/;
// The OCI distribution spec's tag grammar.
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function isFullSha(value: string | undefined): value is string {
  return value !== undefined && FULL_SHA.test(value);
}

export function isValidTag(value: string): boolean {
  return TAG.test(value);
}

/** Whether a person asking for `wanted` means `tag`: the same tag, or a short sha (7+ hex) of a full-sha tag. */
export function tagMatches(tag: string | undefined, wanted: string): boolean {
  if (tag === undefined) return false;
  return tag === wanted || (isFullSha(tag) && /^[0-9a-f]{7,}$/.test(wanted) && tag.startsWith(wanted));
}
