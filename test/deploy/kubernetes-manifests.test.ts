import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfigText } from '../../src/config/load.ts';
import { ROOT } from '../helpers/cli.ts';
import { type KubeObject, schemaProblems } from './kubernetes-schemas.ts';

const run = promisify(execFile);
const BASE = join(ROOT, 'deploy/kubernetes');
const BASE_SCALE = 'scale: { min: 2, max: 20 }';
const OVERLAY_SCALE = 'scale: { min: 3, max: 30 }';
const hasKubectl = !spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).error;

// The official node images create `node` as uid and gid 1000 (`useradd --uid 1000 --gid node`).
const NODE_IMAGE_UIDS: Record<string, number> = { node: 1000 };

/** The runtime stage of the Dockerfile: its USER, EXPOSEd port, CMD and ENV (continuation lines joined). */
async function runtimeImage() {
  const text = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  const stage = text.slice(text.lastIndexOf('\nFROM ')).replace(/\\\n\s*/g, ' ');
  const env = Object.fromEntries(
    [...stage.matchAll(/^ENV (.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/(\w+)=(\S+)/g)].map((p) => [p[1]!, p[2]!])),
  );
  return {
    user: /^USER (\S+)$/m.exec(stage)![1]!,
    port: Number(/^EXPOSE (\d+)$/m.exec(stage)![1]),
    cmd: JSON.parse(/^CMD (\[.*\])$/m.exec(stage)![1]!) as string[],
    env: env as Record<string, string>,
  };
}

/** The overlay "Running it in Kubernetes" in the README shows, its kustomization and its patch, on `base`. */
async function readmeOverlay(base: string): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Running it in Kubernetes'));
  const [kustomization, patches] = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(kustomization).toMatch(/^# my-opsdeck\/kustomization.yaml/);
  expect(patches).toMatch(/^patches:/);
  return `${kustomization}${patches}`.replaceAll('../opsdeck/deploy/kubernetes', base);
}

async function kustomize(dir: string): Promise<KubeObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], { timeout: 30_000 });
  return parseAllDocuments(stdout).map((doc) => doc.toJS() as KubeObject);
}

// Loose views of the rendered objects, enough for the assertions below.
interface Container {
  name: string;
  image: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  env: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } };
  }[];
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle: { preStop: { sleep: { seconds: number } } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown> & { capabilities: { drop: string[] } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface PodSpec {
  serviceAccountName: string;
  terminationGracePeriodSeconds: number;
  securityContext: Record<string, unknown> & { seccompProfile: { type: string } };
  topologySpreadConstraints: { topologyKey: string; whenUnsatisfiable: string; labelSelector: Selector }[];
  containers: Container[];
  volumes: { name: string; configMap?: { name: string }; emptyDir?: object; secret?: object }[];
}
interface Selector {
  matchLabels: Record<string, string>;
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const matches = (selector: Selector, labels: Record<string, string>) =>
  Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v);

describe.skipIf(!hasKubectl)(
  `deploy/kubernetes${hasKubectl ? '' : ' (skipped: kubectl, which renders the kustomization, is not on PATH)'}`,
  () => {
    let base: KubeObject[];
    let withMonitor: KubeObject[];
    let overlay: string;
    const one = <T>(objects: KubeObject[], kind: string) => {
      const found = objects.filter((o) => o.kind === kind);
      expect(found, kind).toHaveLength(1);
      return found[0] as unknown as T;
    };
    const deploymentIn = (objects: KubeObject[]) =>
      one<{
        metadata: { namespace: string; labels: Record<string, string> };
        spec: {
          replicas: number;
          selector: Selector;
          strategy: { rollingUpdate: { maxUnavailable: number; maxSurge: number } };
          template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
        };
      }>(objects, 'Deployment');
    const deployment = () => deploymentIn(base);
    const pod = () => deployment().spec.template.spec;
    const container = () => pod().containers[0]!;
    const port = (name: string | number) =>
      typeof name === 'number' ? name : container().ports.find((p) => p.name === name)?.containerPort;

    beforeAll(async () => {
      base = await kustomize(BASE);
      // The README's overlay: the optional component, an image, a config of its own, a kubeconfig Secret.
      overlay = await mkdtemp(join(tmpdir(), 'opsdeck-kustomize-'));
      const from = relative(overlay, BASE);
      const config = await readFile(join(BASE, 'opsdeck.yaml'), 'utf8');
      expect(config).toContain(BASE_SCALE);
      await writeFile(join(overlay, 'opsdeck.yaml'), config.replace(BASE_SCALE, OVERLAY_SCALE));
      await writeFile(join(overlay, 'kustomization.yaml'), await readmeOverlay(from));
      withMonitor = await kustomize(overlay);
    }, 60_000);
    afterAll(async () => {
      if (overlay) await rm(overlay, { recursive: true, force: true });
    });

    it('renders opsdeck and what it needs, and no custom resource the cluster may lack', () => {
      expect(base.map((o) => o.kind).sort()).toEqual([
        'ClusterRole',
        'ConfigMap',
        'Deployment',
        'Namespace',
        'PodDisruptionBudget',
        'RoleBinding',
        'RoleBinding',
        'Service',
        'ServiceAccount',
      ]);
    });

    it('validates every rendered object against the Kubernetes schemas, with and without the component', () => {
      expect(base.flatMap(schemaProblems)).toEqual([]);
      expect(withMonitor.flatMap(schemaProblems)).toEqual([]);
      expect(withMonitor.length).toBe(base.length + 1);
    });

    it('runs the image as the Dockerfile builds it: command, port, user, config and data paths', async () => {
      const image = await runtimeImage();
      expect(container().args).toEqual(image.cmd);
      expect(container().ports).toEqual([{ name: 'http', containerPort: image.port }]);
      expect(image.env.PORT).toBe(String(image.port));
      expect(container().env.find((e) => e.name === 'PORT')?.value).toBe(String(image.port));
      expect(image.user).toBe('node');
      expect(pod().securityContext).toMatchObject({ runAsUser: NODE_IMAGE_UIDS[image.user], runAsNonRoot: true });

      const configPath = container().env.find((e) => e.name === 'OPSDECK_CONFIG')?.value;
      expect(configPath).toBe(image.env.OPSDECK_CONFIG);
      const configMount = container().volumeMounts.find((m) => `${m.mountPath}/opsdeck.yaml` === configPath);
      expect(configMount, `a volume mounted where OPSDECK_CONFIG (${configPath}) points`).toMatchObject({
        readOnly: true,
      });
      const configVolume = pod().volumes.find((v) => v.name === configMount!.name);
      const configMap = one<{ metadata: { name: string }; data: Record<string, string> }>(base, 'ConfigMap');
      expect(configVolume?.configMap?.name).toBe(configMap.metadata.name);
      expect(configMap.data['opsdeck.yaml']).toBe(await readFile(join(BASE, 'opsdeck.yaml'), 'utf8'));

      const dataMount = container().volumeMounts.find((m) => m.mountPath === image.env.OPSDECK_DATA_DIR);
      expect(pod().volumes.find((v) => v.name === dataMount?.name)?.emptyDir).toBeDefined();
    });

    it('probes paths opsdeck serves, on its port', async () => {
      const health = await readFile(join(ROOT, 'src/observability/health.ts'), 'utf8');
      const served = [...health.matchAll(/path: '(\/\w+)',\s*method: 'GET'/g)].map((m) => m[1]);
      const { startupProbe, livenessProbe, readinessProbe } = container();
      expect(readinessProbe.httpGet.path).toBe('/readyz');
      expect(livenessProbe.httpGet.path).toBe('/healthz');
      expect(startupProbe.httpGet.path).toBe('/healthz');
      for (const probe of [startupProbe, livenessProbe, readinessProbe]) {
        expect(served).toContain(probe.httpGet.path);
        expect(port(probe.httpGet.port)).toBe(container().ports[0]!.containerPort);
      }
    });

    it('sets only variables opsdeck reads, and takes the secret ones from the Secret, each by its name', async () => {
      const settings = await readFile(join(ROOT, 'src/config/settings.ts'), 'utf8');
      const read = new Set([...settings.matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]));
      for (const { name } of container().env) expect(read, `${name} is read in settings.ts`).toContain(name);

      const secrets = Object.fromEntries(
        container()
          .env.filter((e) => e.valueFrom)
          .map((e) => [e.name, e.valueFrom!.secretKeyRef]),
      );
      expect(Object.keys(secrets).sort()).toEqual([
        'DATABASE_URL',
        'GITHUB_TOKEN',
        'REDIS_URL',
        'SLACK_APP_TOKEN',
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
      ]);
      for (const [name, ref] of Object.entries(secrets)) expect(ref).toMatchObject({ name: 'opsdeck', key: name });
      // Without a bot token opsdeck cannot work, and without a shared store replicas cannot share changes.
      const required = Object.keys(secrets).filter((name) => !secrets[name]!.optional);
      expect(required.sort()).toEqual(['DATABASE_URL', 'SLACK_BOT_TOKEN']);
    });

    it('runs non-root under the restricted profile, with a read-only root filesystem', () => {
      expect(pod().securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container().securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const namespace = one<{ metadata: { name: string; labels: Record<string, string> } }>(base, 'Namespace');
      expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(deployment().metadata.namespace).toBe(namespace.metadata.name);
      expect(container().resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container().resources.limits.memory).toEqual(expect.any(String));
    });

    it('keeps serving through rollouts, drains and node loss, and outlasts the shutdown drain', async () => {
      const { spec } = deployment();
      const labels = spec.template.metadata.labels;
      expect(spec.replicas).toBe(3);
      expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      expect(matches(spec.selector, labels)).toBe(true);

      const pdb = one<{ spec: { maxUnavailable: number; selector: Selector } }>(base, 'PodDisruptionBudget');
      expect(pdb.spec.maxUnavailable).toBe(1);
      expect(matches(pdb.spec.selector, labels)).toBe(true);

      const spread = pod().topologySpreadConstraints.find((c) => c.topologyKey === 'kubernetes.io/hostname');
      expect(spread?.whenUnsatisfiable).toBe('DoNotSchedule');
      expect(matches(spread!.labelSelector, labels)).toBe(true);

      const compose = await readFile(join(ROOT, 'src/compose.ts'), 'utf8');
      const drainMs = Number(/shutdownGraceMs \?\? ([\d_]+)\)/.exec(compose)![1]!.replaceAll('_', ''));
      expect(drainMs).toBe(25_000);
      const preStop = container().lifecycle.preStop.sleep.seconds;
      expect(pod().terminationGracePeriodSeconds).toBeGreaterThan(preStop + drainMs / 1000);
    });

    it('routes the Service port 80, named http, to the container port', () => {
      const service = one<{
        spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
      }>(base, 'Service');
      expect(service.spec.ports).toHaveLength(1);
      const [servicePort] = service.spec.ports;
      expect(servicePort).toMatchObject({ name: 'http', port: 80 });
      expect(port(servicePort!.targetPort)).toBe(container().ports[0]!.containerPort);
      expect(matches({ matchLabels: service.spec.selector }, deployment().spec.template.metadata.labels)).toBe(true);
    });

    it('grants its service account what opsdeck does, in each namespace its config names', () => {
      const role = one<{ metadata: { name: string }; rules: Rule[] }>(base, 'ClusterRole');
      // What the Kubernetes adapters call (read, patch and scale a Deployment, list its ReplicaSets, pods and
      // autoscalers, read pod logs), and nothing more: no create or delete, no Secrets.
      const needed = [
        ['apps', 'deployments', ['get', 'list', 'watch', 'patch']],
        ['apps', 'deployments/scale', ['get', 'patch']],
        ['apps', 'replicasets', ['list']],
        ['', 'pods', ['list']],
        ['', 'pods/log', ['get']],
        ['autoscaling', 'horizontalpodautoscalers', ['list']],
      ] as const;
      const granted = role.rules.flatMap((r) =>
        r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g}/${res}`))),
      );
      expect(granted.sort()).toEqual(needed.flatMap(([g, res, verbs]) => verbs.map((v) => `${v} ${g}/${res}`)).sort());

      const serviceAccount = one<{ metadata: { name: string; namespace: string } }>(base, 'ServiceAccount');
      expect(pod().serviceAccountName).toBe(serviceAccount.metadata.name);
      const { config, errors } = checkConfigText(
        one<{ data: Record<string, string> }>(base, 'ConfigMap').data['opsdeck.yaml']!,
      );
      expect(errors).toEqual([]);
      const inCluster = Object.values(config!.environments).every((e) => e.kubernetes?.inCluster);
      expect(inCluster, 'the base config reaches its clusters through the service account').toBe(true);
      const namespaces = new Set(Object.values(config!.services).flatMap((s) => s.kubernetes?.namespace ?? []));
      const bindings = base.filter((o) => o.kind === 'RoleBinding') as unknown as {
        metadata: { namespace: string };
        roleRef: { kind: string; name: string };
        subjects: { kind: string; name: string; namespace: string }[];
      }[];
      expect(bindings.map((b) => b.metadata.namespace).sort()).toEqual([...namespaces].sort());
      for (const binding of bindings) {
        expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: role.metadata.name });
        const { name, namespace } = serviceAccount.metadata;
        expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name, namespace }]);
      }
    });

    it('ships the image of this version', async () => {
      const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
      expect(container().image).toBe(`opsdeck:${version}`);
    });

    it('adds, as a component, a ServiceMonitor scraping /metrics through the Service', async () => {
      expect(withMonitor.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))).toHaveLength(1);
      const monitor = one<{ spec: { selector: Selector; endpoints: { port: string; path: string }[] } }>(
        withMonitor,
        'ServiceMonitor',
      );
      const service = one<{ metadata: { labels: Record<string, string> }; spec: { ports: { name: string }[] } }>(
        withMonitor,
        'Service',
      );
      expect(matches(monitor.spec.selector, service.metadata.labels)).toBe(true);
      expect(monitor.spec.endpoints).toEqual([
        { port: service.spec.ports[0]!.name, path: '/metrics', interval: '30s' },
      ]);
      const health = await readFile(join(ROOT, 'src/observability/health.ts'), 'utf8');
      expect(health).toContain("path: '/metrics'");
    });

    it('lets the README overlay set the image, the config and a kubeconfig; the pods follow the new ConfigMap', () => {
      const spec = deploymentIn(withMonitor).spec.template.spec;
      const [overlaid] = spec.containers;
      expect(overlaid!.image).toBe('registry.example.com/opsdeck:0.1.0');
      const configMap = one<{ metadata: { name: string }; data: Record<string, string> }>(withMonitor, 'ConfigMap');
      expect(configMap.data['opsdeck.yaml']).toContain(OVERLAY_SCALE);
      expect(configMap.metadata.name).not.toBe(one<{ metadata: { name: string } }>(base, 'ConfigMap').metadata.name);
      expect(spec.volumes.find((v) => v.configMap)?.configMap?.name).toBe(configMap.metadata.name);

      const kubeconfig = overlaid!.env.find((e) => e.name === 'KUBECONFIG')?.value;
      const mount = overlaid!.volumeMounts.find((m) => kubeconfig?.startsWith(`${m.mountPath}/`));
      expect(spec.volumes.find((v) => v.name === mount?.name)).toMatchObject({
        secret: { secretName: 'opsdeck-kubeconfig' },
      });
    });
  },
);
