import { type Document, isMap, isScalar, isSeq, parse, parseAllDocuments, type Scalar, type YAMLMap } from 'yaml';
import { UserError } from '../../core/errors.ts';
import { parseImage } from '../kubernetes/images.ts';

/** Where a manifests file keeps the image tag a deploy changes. */
export type TagLocation =
  /** The `images:` entry of a kustomization whose `name` is this image, its `newTag`. */
  | { kustomize: string }
  /** A path in a Helm values file, e.g. `image.tag` or `workers[0].image.tag`. */
  | { helm: string }
  /** The container of this name in the file's Deployment (the tag part of its `image`). */
  | { container: string };

/** The tag found, and the scalar that holds it (the whole image for a container). */
interface Found {
  tag: string;
  scalar: Scalar;
  /** How to write the scalar's new value from the new tag. */
  rewrite: (tag: string) => string;
}

/** What a location holds now: the tag, and for containers the whole image. */
export interface TagReading {
  tag: string;
  image?: string | undefined;
}

/** Names the location in messages: `images[name=ghcr.io/acme/billing].newTag`, `image.tag`, `container billing`. */
export function describeLocation(location: TagLocation): string {
  if ('kustomize' in location) return `the images entry "${location.kustomize}"`;
  if ('helm' in location) return `the values path ${location.helm}`;
  return `container "${location.container}"`;
}

/** Reads the tag at `location`; UserError naming the file and what is missing when it is not there. */
export function readTag(text: string, location: TagLocation, file: string): TagReading {
  const found = locate(text, location, file);
  const value = String(found.scalar.value);
  return 'container' in location ? { tag: found.tag, image: value } : { tag: found.tag };
}

/**
 * Writes `tag` at `location` and returns the new file text: only that scalar's characters change, so
 * comments, key order, quoting and formatting stay byte for byte as they were. The scalar keeps its
 * quoting; a plain one that YAML would read as something other than the tag (`1.10`, `true`) is quoted.
 */
export function writeTag(text: string, location: TagLocation, file: string, tag: string): string {
  const found = locate(text, location, file);
  const [start, end] = found.scalar.range ?? [];
  if (start === undefined || end === undefined) throw new Error(`${file}: the tag has no position in the source`);
  const next = `${text.slice(0, start)}${render(found.scalar, found.rewrite(tag))}${text.slice(end)}`;
  const check = readTag(next, location, file);
  if (check.tag !== tag)
    throw new Error(`${file}: writing ${tag} at ${describeLocation(location)} read back ${check.tag}`);
  return next;
}

function render(scalar: Scalar, value: string): string {
  if (scalar.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (scalar.type === 'QUOTE_SINGLE') return `'${value.replaceAll("'", "''")}'`;
  return readsAsString(value) ? value : JSON.stringify(value);
}

function readsAsString(value: string): boolean {
  try {
    return parse(value) === value;
  } catch {
    return false;
  }
}

function locate(text: string, location: TagLocation, file: string): Found {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new UserError(`${file} is empty`);
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken) throw new UserError(`${file} is not valid YAML: ${broken.errors[0]?.message ?? 'parse error'}`);
  if ('container' in location) return locateContainer(docs, location.container, file);
  const [doc, ...more] = docs;
  if (!doc || more.length > 0) {
    throw new UserError(
      `${file} holds ${docs.length} YAML documents; a ${'helm' in location ? 'values file' : 'kustomization'} has one`,
    );
  }
  return 'helm' in location ? locateHelm(doc, location.helm, file) : locateKustomize(doc, location.kustomize, file);
}

function locateKustomize(doc: Document, name: string, file: string): Found {
  const images = doc.get('images', true);
  if (!isSeq(images)) throw new UserError(`${file} has no \`images:\` list; add an entry for ${name} with its newTag`);
  const entries = images.items.filter(isMap);
  const entry = entries.find((e) => e.get('name') === name);
  if (!entry) {
    const names = entries.map((e) => String(e.get('name'))).join(', ') || 'none';
    throw new UserError(
      `${file} has no \`images:\` entry named ${name} (its entries: ${names}); fix the deploy.image setting`,
    );
  }
  if (entry.has('digest')) {
    throw new UserError(`${file} pins ${name} by digest; remove its \`digest\` to deploy by tag`);
  }
  const scalar = entry.get('newTag', true);
  if (!isScalar(scalar) || scalar.value === null || scalar.value === undefined) {
    throw new UserError(
      `the \`images:\` entry ${name} in ${file} has no newTag; add \`newTag: <the tag running now>\``,
    );
  }
  return { tag: scalarString(scalar, file, `${name}.newTag`), scalar, rewrite: (tag) => tag };
}

/** `image.tag`, `workers[0].image.tag` → ['image', 'tag'], ['workers', 0, 'image', 'tag']. */
export function parseValuesPath(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!match?.[1]) throw new UserError(`"${path}" is not a values path such as image.tag or workers[0].image.tag`);
    keys.push(match[1]);
    for (const index of match[2]?.matchAll(/\[(\d+)\]/g) ?? []) keys.push(Number(index[1]));
  }
  return keys;
}

function locateHelm(doc: Document, path: string, file: string): Found {
  const keys = parseValuesPath(path);
  let node: unknown = doc.contents;
  for (const [i, key] of keys.entries()) {
    const here = keys.slice(0, i).join('.') || 'the top level';
    const next = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
    if (next === undefined) {
      const has = isMap(node) ? ` (it has: ${keysOf(node)})` : '';
      throw new UserError(`${file} has no ${path}: ${here} has no ${String(key)}${has}`);
    }
    node = next;
  }
  if (!isScalar(node))
    throw new UserError(`${path} in ${file} is not a single value; point deploy.image.helm at the tag`);
  return { tag: scalarString(node, file, path), scalar: node, rewrite: (tag) => tag };
}

function keysOf(map: YAMLMap): string {
  return map.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key)).join(', ') || 'nothing';
}

function locateContainer(docs: Document[], name: string, file: string): Found {
  const deployments = docs.filter((d) => d.get('kind') === 'Deployment');
  if (deployments.length === 0)
    throw new UserError(`${file} holds no Deployment; point deploy.file at the one running ${name}`);
  const all: string[] = [];
  for (const doc of deployments) {
    const containers = doc.getIn(['spec', 'template', 'spec', 'containers'], true);
    if (!isSeq(containers)) continue;
    for (const container of containers.items.filter(isMap)) {
      all.push(String(container.get('name')));
      if (container.get('name') !== name) continue;
      const scalar = container.get('image', true);
      if (!isScalar(scalar)) throw new UserError(`container ${name} in ${file} has no image`);
      const image = scalarString(scalar, file, `container ${name} image`);
      if (image.includes('@')) throw new UserError(`container ${name} in ${file} pins its image by digest (${image})`);
      const { repository, tag } = parseImage(image);
      return { tag: tag ?? 'latest', scalar, rewrite: (next) => `${repository}:${next}` };
    }
  }
  throw new UserError(`${file} has no container named ${name} (its containers: ${all.join(', ') || 'none'})`);
}

function scalarString(scalar: Scalar, file: string, what: string): string {
  if (scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED') {
    throw new UserError(`${what} in ${file} is a block scalar; write it on one line`);
  }
  const value = scalar.value;
  if (typeof value === 'string' || typeof value === 'number') return String(scalar.source ?? value);
  throw new UserError(`${what} in ${file} is not a tag (${JSON.stringify(value)})`);
}
