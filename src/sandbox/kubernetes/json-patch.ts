import { badRequest, unprocessable } from './api-error.ts';

/** RFC 6902 JSON Patch. A malformed patch is a 400; one that does not apply to the document is a 422. */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let result = structuredClone(document);
  for (const operation of patch) {
    if (!isRecord(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') {
      throw badRequest(`invalid JSON Patch operation: ${JSON.stringify(operation)}`);
    }
    result = applyOperation(result, operation.op, operation.path, operation);
  }
  return result;
}

function applyOperation(document: unknown, op: string, path: string, operation: Record<string, unknown>): unknown {
  switch (op) {
    case 'add':
      return add(document, path, requireValue(operation));
    case 'remove':
      return remove(document, path).document;
    case 'replace':
      get(document, path);
      return add(remove(document, path).document, path, requireValue(operation));
    case 'move': {
      const removed = remove(document, requireFrom(operation));
      return add(removed.document, path, removed.value);
    }
    case 'copy':
      return add(document, path, structuredClone(get(document, requireFrom(operation))));
    case 'test':
      if (JSON.stringify(get(document, path)) !== JSON.stringify(requireValue(operation))) {
        throw unprocessable(`testing value ${path} failed: test failed`);
      }
      return document;
    default:
      throw badRequest(`Unexpected kind: ${op}`);
  }
}

function requireValue(operation: Record<string, unknown>): unknown {
  if (!('value' in operation)) throw badRequest(`missing value for ${String(operation.op)} operation`);
  return structuredClone(operation.value);
}

function requireFrom(operation: Record<string, unknown>): string {
  if (typeof operation.from !== 'string') throw badRequest(`missing from for ${String(operation.op)} operation`);
  return operation.from;
}

function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function get(document: unknown, path: string): unknown {
  let current = document;
  for (const token of tokens(path)) {
    current = child(current, token, path);
  }
  return current;
}

function child(container: unknown, token: string, path: string): unknown {
  if (Array.isArray(container)) {
    const index = arrayIndex(token, container.length - 1, path);
    return container[index];
  }
  if (isRecord(container) && Object.hasOwn(container, token)) return container[token];
  throw unprocessable(`operation does not apply: doc is missing path: "${path}": missing value`);
}

function parentOf(document: unknown, path: string): { parent: unknown; last: string } {
  const all = tokens(path);
  const last = all.pop();
  if (last === undefined) throw unprocessable('cannot operate on the document root');
  let parent = document;
  for (const token of all) parent = child(parent, token, path);
  return { parent, last };
}

function add(document: unknown, path: string, value: unknown): unknown {
  if (path === '') return value;
  const { parent, last } = parentOf(document, path);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : arrayIndex(last, parent.length, path);
    parent.splice(index, 0, value);
  } else if (isRecord(parent)) {
    parent[last] = value;
  } else {
    throw unprocessable(`add operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return document;
}

function remove(document: unknown, path: string): { document: unknown; value: unknown } {
  const { parent, last } = parentOf(document, path);
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length - 1, path);
    return { document, value: parent.splice(index, 1)[0] };
  }
  if (isRecord(parent) && Object.hasOwn(parent, last)) {
    const value = parent[last];
    delete parent[last];
    return { document, value };
  }
  throw unprocessable(`remove operation does not apply: doc is missing path: "${path}": missing value`);
}

function arrayIndex(token: string, max: number, path: string): number {
  if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) > max) {
    throw unprocessable(`operation does not apply: index out of range: ${path}`);
  }
  return Number(token);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
