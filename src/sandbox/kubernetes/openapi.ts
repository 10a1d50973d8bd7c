import { apiVersionOf, RESOURCE_TYPES } from './resources.ts';

/**
 * Just enough OpenAPI v3 for kubectl `create -f` and `apply`: before sending `fieldValidation=Strict` they look
 * for that query parameter on the kind's PATCH operation, and without an answer they refuse to run. There are
 * no schemas, so `kubectl explain` has nothing to show.
 */
export function openApiDocument(path: string): unknown {
  if (path === '/openapi/v3') {
    const paths = Object.fromEntries(
      [...new Set(RESOURCE_TYPES.map(apiVersionOf))].map((gv) => {
        const key = gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
        return [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${SCHEMA_HASH}` }];
      }),
    );
    return { paths };
  }
  const match = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!match) return undefined;
  const group = match[2] ?? '';
  const version = match[1] ?? match[3] ?? '';
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const root = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const paths = Object.fromEntries(
    types.map((t) => [
      `${root}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`,
      {
        patch: {
          operationId: `patch${t.kind}`,
          'x-kubernetes-action': 'patch',
          'x-kubernetes-group-version-kind': { group, version, kind: t.kind },
          parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'].map((name) => ({
            name,
            in: 'query',
            schema: { type: 'string', uniqueItems: true },
          })),
          responses: { '200': { description: 'OK' } },
        },
      },
    ]),
  );
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4' }, paths, components: { schemas: {} } };
}

const SCHEMA_HASH = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
