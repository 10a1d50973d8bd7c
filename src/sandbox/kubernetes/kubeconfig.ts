/** One context of a kubeconfig: a name, the API server it talks to and the bearer token it presents. */
export interface KubeconfigContext {
  name: string;
  server: string;
  token: string;
  namespace?: string;
}

/**
 * Renders a kubeconfig for plain-HTTP API servers. `insecure-skip-tls-verify` is set because client-node 2
 * refuses `http:` clusters without it. Contexts on the same server and token share one cluster and user
 * entry, so configs for several emulators merge by concatenating their contexts.
 */
export function renderKubeconfig(contexts: KubeconfigContext[], currentContext = contexts[0]?.name): string {
  const clusters = new Map<string, { server: string; token: string }>();
  const entryName = (c: KubeconfigContext) =>
    `opsdeck-sandbox-${new URL(c.server).host.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  for (const context of contexts) clusters.set(entryName(context), { server: context.server, token: context.token });
  const q = (value: string) => JSON.stringify(value);
  const lines = ['apiVersion: v1', 'kind: Config', 'preferences: {}', 'clusters:'];
  for (const [name, { server }] of clusters) {
    lines.push(`- name: ${q(name)}`, '  cluster:', `    server: ${q(server)}`, '    insecure-skip-tls-verify: true');
  }
  lines.push('users:');
  for (const [name, { token }] of clusters) lines.push(`- name: ${q(name)}`, '  user:', `    token: ${q(token)}`);
  lines.push('contexts:');
  for (const context of contexts) {
    const name = entryName(context);
    lines.push(`- name: ${q(context.name)}`, '  context:', `    cluster: ${q(name)}`, `    user: ${q(name)}`);
    if (context.namespace) lines.push(`    namespace: ${q(context.namespace)}`);
  }
  if (currentContext) lines.push(`current-context: ${q(currentContext)}`);
  return `${lines.join('\n')}\n`;
}
