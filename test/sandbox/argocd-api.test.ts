import { describe, expect, it } from 'vitest';
import { gitopsWorld } from './argocd-harness.ts';

describe('Argo CD emulator: API authentication and errors', () => {
  it.each([
    { token: null, message: 'no session information' },
    { token: 'nope', message: 'invalid session: token signature is invalid' },
  ])('answers 401 with token $token', async ({ token, message }) => {
    const { api } = await gitopsWorld();
    const res = await api('/api/v1/applications/billing-prod', { token });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: message, code: 16, message });
  });

  it('takes the token from the argocd.token cookie too, and serves the version without one', async () => {
    const { argo } = await gitopsWorld();
    const res = await fetch(`${argo.url}/api/v1/applications/billing-prod`, {
      headers: { cookie: 'argocd.token=argo-admin' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metadata: { name: string } }).metadata.name).toBe('billing-prod');
    expect((await fetch(`${argo.url}/api/version`)).status).toBe(200);
  });

  it('lets a read-only token get but not sync', async () => {
    const { api } = await gitopsWorld();
    const read = await api('/api/v1/applications/billing-prod', { token: 'ci-readonly' });
    expect(read.status).toBe(200);
    const sync = await api('/api/v1/applications/billing-prod/sync', { method: 'POST', token: 'ci-readonly' });
    expect(sync.status).toBe(403);
    expect(await sync.json()).toMatchObject({
      code: 7,
      message: expect.stringMatching(
        /^permission denied: applications, sync, default\/billing-prod, sub: ci-readonly, iat: \d{4}-/,
      ),
    });
  });

  it('answers 404 in the gateway shape for an unknown application', async () => {
    const { api } = await gitopsWorld();
    for (const [path, method] of [
      ['/api/v1/applications/nope', 'GET'],
      ['/api/v1/applications/nope/sync', 'POST'],
    ] as const) {
      const res = await api(path, { method });
      expect(res.status).toBe(404);
      const message = 'applications.argoproj.io "nope" not found';
      expect(await res.json()).toEqual({ error: message, code: 5, message });
    }
  });

  it('lists the applications a token may see', async () => {
    const { api } = await gitopsWorld();
    const res = await api('/api/v1/applications');
    const list = (await res.json()) as { items: Array<{ metadata: { name: string; namespace: string } }> };
    expect(list.items.map((a) => a.metadata)).toEqual([
      expect.objectContaining({ name: 'billing-prod', namespace: 'argocd' }),
    ]);
  });
});
