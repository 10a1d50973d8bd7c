import { parse, parseAllDocuments } from 'yaml';

/**
 * Where an Application's image is written in the manifests repository. Argo CD renders the whole source; the
 * emulator only needs the one image a Deployment runs, so each kind names the file it lives in.
 */
export type ImageSource =
  /** A kustomization.yaml; `image` picks the `images:` entry by `name` (default the only or first entry). */
  | { readonly kind: 'kustomize'; readonly file: string; readonly image?: string }
  /**
   * A Helm values file; the tag at the dot-separated `tagPath` (e.g. `image.tag`), the repository at
   * `repositoryPath` (default the tag's sibling `repository`) or the fixed `repository`.
   */
  | {
      readonly kind: 'helm';
      readonly file: string;
      readonly tagPath: string;
      readonly repositoryPath?: string;
      readonly repository?: string;
    }
  /** A plain manifest holding the Deployment (several YAML documents allowed). */
  | { readonly kind: 'directory'; readonly file: string };

export const SOURCE_TYPES = { kustomize: 'Kustomize', helm: 'Helm', directory: 'Directory' } as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function at(doc: unknown, path: string): unknown {
  let node = doc;
  for (const key of path.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (isRecord(node)) node = node[key];
    else return undefined;
  }
  return node;
}

function kustomizeImage(text: string, wanted: string | undefined, file: string): string {
  const images = at(parse(text), 'images');
  if (!Array.isArray(images) || images.length === 0) throw new Error(`${file}: no images: entries`);
  const entries = images.filter(isRecord);
  const entry = wanted === undefined ? entries[0] : entries.find((e) => e.name === wanted);
  if (!entry || typeof entry.name !== 'string') throw new Error(`${file}: no images: entry named ${wanted}`);
  const name = typeof entry.newName === 'string' ? entry.newName : entry.name;
  if (typeof entry.digest === 'string') return `${name}@${entry.digest}`;
  const tag = entry.newTag;
  return typeof tag === 'string' || typeof tag === 'number' ? `${name}:${tag}` : name;
}

function helmImage(text: string, source: Extract<ImageSource, { kind: 'helm' }>): string {
  const values = parse(text) as unknown;
  const tag = at(values, source.tagPath);
  if (typeof tag !== 'string' && typeof tag !== 'number') throw new Error(`${source.file}: no ${source.tagPath}`);
  const sibling = source.tagPath.split('.').slice(0, -1).concat('repository').join('.');
  const repository = source.repository ?? at(values, source.repositoryPath ?? sibling);
  if (typeof repository !== 'string') throw new Error(`${source.file}: no ${source.repositoryPath ?? sibling}`);
  return `${repository}:${tag}`;
}

function manifestImage(text: string, file: string, deployment: string, container: string | undefined): string {
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJS() as unknown;
    if (at(object, 'kind') !== 'Deployment' || at(object, 'metadata.name') !== deployment) continue;
    const containers = at(object, 'spec.template.spec.containers');
    const list = Array.isArray(containers) ? containers.filter(isRecord) : [];
    const found = container === undefined ? list[0] : list.find((c) => c.name === container);
    if (typeof found?.image === 'string') return found.image;
  }
  throw new Error(`${file}: no Deployment ${deployment} with container ${container ?? '(first)'}`);
}

/** The image the manifests ask for; throws with the file and what is missing when they do not say. */
export function desiredImage(
  source: ImageSource,
  text: string,
  target: { deployment: string; container?: string | undefined },
): string {
  switch (source.kind) {
    case 'kustomize':
      return kustomizeImage(text, source.image, source.file);
    case 'helm':
      return helmImage(text, source);
    case 'directory':
      return manifestImage(text, source.file, target.deployment, target.container);
  }
}
