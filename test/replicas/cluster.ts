import { randomBytes } from 'node:crypto';
import { PostgresStore } from '../../src/adapters/store-postgres/postgres-store.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { KubernetesEmulator, renderKubeconfig } from '../../src/sandbox/kubernetes/index.ts';
import { DEFAULT_WORKSPACE, SlackEmulator } from '../../src/sandbox/slack/index.ts';
import { type TestSchema, testSchema } from '../adapters/postgres-fixture.ts';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } from '../helpers/harness.ts';
import { type Replica, roundRobin, startReplica } from '../helpers/replicas.ts';

const GITHUB_TOKEN = 'ghp_replicastokenreplicastoken0000';
const REDIS_URL = process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `svc01`…: one Deployment each in the prod cluster (namespace and Deployment named alike), from acme/app's tags. */
export const serviceName = (i: number): string => `svc${String(i + 1).padStart(2, '0')}`;

/** Prod needs one SRE's approval; Alice asks, Bob and Erin approve. No freezes: replicas run on real time. */
function configText(services: number): string {
  const lines = [
    'environments:',
    '  prod:',
    '    kubernetes: { context: prod }',
    '    approval: { required: 1, from: [sre], expiresIn: 30m }',
    'services:',
  ];
  for (let i = 0; i < services; i++) {
    const name = serviceName(i);
    lines.push(
      `  ${name}:`,
      '    github: { repo: acme/app }',
      `    deploy: { via: kubernetes, image: ghcr.io/acme/${name}, tag: ref }`,
      `    kubernetes: { namespace: ${name}, deployment: ${name}, container: app }`,
    );
  }
  lines.push(
    'roles:',
    '  sre: { members: [U0BOB, U0ERIN], allow: ["*"] }',
    '  developer: { members: [U0ALICE], allow: ["deploy:*:*", status] }',
  );
  return `${lines.join('\n')}\n`;
}

export interface Cluster {
  slack: SlackEmulator;
  github: GitHubEmulator;
  k8s: KubernetesEmulator;
  replicas: Replica[];
  /** Where Slack delivers: the balancer over HTTP, undefined over Socket Mode. */
  botUrl: string | undefined;
  /** The URL Slack would post to if it reached this replica directly. */
  urlOf(replica: Replica): string;
  /** What the test reads the shared store with, as `opsdeck audit` would. */
  store: PostgresStore;
  schema: TestSchema;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  replicas: number;
  services: number;
  /** `http`: Slack posts to a round-robin load balancer; `socket`: every replica holds a Socket Mode connection. */
  transport: 'http' | 'socket';
  /** How long a new pod takes to become ready: long to catch a replica mid-rollout. */
  podReadyMs?: number;
  /** Emulated seconds to wall-clock seconds for rollout deadlines; large when a rollout is meant to last. */
  timeScale?: number;
  /** Lease term of running changes and tails (default 600 ms). */
  leaseMs?: number;
}

/**
 * Several opsdeck processes on one PostgreSQL schema and one Redis, with Slack, GitHub and a prod cluster
 * emulated in this process. Everything runs on real time, as separate processes must.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const schema = testSchema();
  const users = [...DEFAULT_WORKSPACE.users, { id: 'U0ERIN', name: 'erin', realName: 'Erin Example' }];
  const slack = await SlackEmulator.start({
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    workspace: { users },
    socketPick: 'random',
  });
  const github = await GitHubEmulator.start({ token: GITHUB_TOKEN, stepMs: 20 });
  github.seedRepo({ owner: 'acme', name: 'app', commits: 6, tags: { 'v1.0.0': 2, 'v2.0.0': 5 } });
  const k8s = await KubernetesEmulator.start({
    tickMs: 100,
    podReadyMs: options.podReadyMs ?? 200,
    timeScale: options.timeScale ?? 0.01,
  });
  for (let i = 0; i < options.services; i++) {
    const name = serviceName(i);
    // A namespace each, as teams do; the emulator's controllers also work per namespace.
    k8s.seedDeployment({
      namespace: name,
      name,
      container: 'app',
      image: `ghcr.io/acme/${name}:v1.0.0`,
      replicas: 2,
    });
  }
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    ...(options.transport === 'socket' ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    DATABASE_URL: schema.url(),
    REDIS_URL,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN,
    LOG_LEVEL: 'debug',
  };
  const spec = {
    env,
    configText: configText(options.services),
    kubeconfig: renderKubeconfig(k8s.kubeconfigContexts({ contexts: ['prod'] })),
    tuning: {
      readinessCheckMs: 100,
      pollMs: 20,
      requestTimeoutMs: 5000,
      rolloutTimeoutMs: 60_000,
      retryAfterBaseValue: 10,
      expirySweepMs: 100,
      progressIntervalMs: 0,
      leaseMs: options.leaseMs ?? 600,
      chatGapMs: 20,
      chatUpdateBudget: { burst: 1000, every5s: 1000 },
      // The replicas of this cluster share their limits, and no other test's.
      rateLimitPrefix: `test-${randomBytes(6).toString('hex')}-`,
      rateLimitWatchdogMs: 200,
    },
  };
  // One at a time: the first applies the schema's migrations, as the first pod of a rollout would.
  const replicas: Replica[] = [];
  for (let i = 0; i < options.replicas; i++) replicas.push(await startReplica(`replica-${i + 1}`, spec));
  const balancer = options.transport === 'http' ? await roundRobin(replicas) : undefined;
  if (balancer) slack.setBotUrl(`${balancer.url}/slack/events`);
  else await slack.waitFor(() => slack.socketCount() === options.replicas, { timeoutMs: 15_000 });
  const store = await PostgresStore.open(schema.url(), systemClock);
  return {
    slack,
    github,
    k8s,
    replicas,
    botUrl: balancer ? `${balancer.url}/slack/events` : undefined,
    urlOf: (replica) => `http://127.0.0.1:${replica.port}/slack/events`,
    store,
    schema,
    async stop() {
      await Promise.all(replicas.map((r) => r.stop()));
      await balancer?.close();
      await store.close();
      await Promise.all([slack.close(), github.close(), k8s.close()]);
      await schema.drop();
    },
  };
}
