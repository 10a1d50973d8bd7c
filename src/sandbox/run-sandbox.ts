import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { commands } from '../../commands/index.ts';
import { startOpsdeck, type Opsdeck } from '../compose.ts';
import { loadConfigFile } from '../config/load.ts';
import type { OpsdeckConfig } from '../config/schema.ts';
import { Registry } from '../core/registry.ts';
import { readSettings } from '../config/settings.ts';
import type { Logger } from '../ports/logger.ts';
import { ArgoCdEmulator } from './argocd/index.ts';
import { CloudWatchLogsEmulator } from './cloudwatch/index.ts';
import { GitHubEmulator } from './github/index.ts';
import { KubernetesEmulator, POD_FAILURES, renderKubeconfig } from './kubernetes/index.ts';
import { asPodFailure, editManifest, failNextChange, setAutoSync } from './sandbox-controls.ts';
import { appManifest } from '../slack/manifest.ts';
import { type ConsoleOptions, SlackEmulator } from './slack/index.ts';
import { ARGOCD_TOKEN, seedWorld } from './world.ts';

export interface SandboxOptions {
  /** The console's port (default 3000). */
  port: number;
  /** The bot's own HTTP port; 0 picks a free one. */
  botPort: number;
  /** Where the kubeconfig and the store go (default .opsdeck/sandbox). */
  dir: string;
  configPath: string;
  log: Logger;
  /** How fast emulated rollouts and workflow runs progress; tests speed it up. */
  pace?: { tickMs: number; podReadyMs: number; timeScale: number; stepMs: number };
}

export interface Sandbox {
  consoleUrl: string;
  endpoints: [string, string][];
  stop(): Promise<void>;
}

const BOT_TOKEN = 'xoxb-sandbox-0000000000-opsdeck';
const GITHUB_TOKEN = 'sandbox-github-token';
const DEMO_PACE = { tickMs: 250, podReadyMs: 1500, timeScale: 0.1, stepMs: 1500 };

/** The console offers what the Slack app manifest for this config declares: commands and shortcuts. */
function fromManifest(config: OpsdeckConfig): Pick<ConsoleOptions, 'commands' | 'shortcuts'> {
  const manifest = parse(appManifest(new Registry(commands).families(), config.slack?.commands)) as {
    features: {
      slash_commands: { command: string; description: string; usage_hint?: string; should_escape?: boolean }[];
      shortcuts: { name: string; type: 'global' | 'message'; callback_id: string; description: string }[];
    };
  };
  return {
    commands: manifest.features.slash_commands.map((c) => ({
      command: c.command,
      description: c.description,
      usageHint: c.usage_hint ?? '',
      shouldEscape: c.should_escape === true,
    })),
    shortcuts: manifest.features.shortcuts.map((x) => ({
      name: x.name,
      type: x.type,
      callbackId: x.callback_id,
      description: x.description,
    })),
  };
}

/**
 * The embedded default: the real bot in HTTP mode, pointed at local emulators of Slack (with the
 * web console), GitHub, Kubernetes, Argo CD and CloudWatch Logs. Nothing here is faked inside opsdeck: the
 * production code paths talk to the emulators over their real wire protocols.
 */
export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const pace = opts.pace ?? DEMO_PACE;
  const config = await loadConfigFile(opts.configPath);
  const dir = resolve(opts.dir);
  const dataDir = join(dir, 'data');
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });

  const github = await GitHubEmulator.start({ token: GITHUB_TOKEN, stepMs: pace.stepMs });
  const k8sOptions = { tickMs: pace.tickMs, podReadyMs: pace.podReadyMs, timeScale: pace.timeScale };
  const clusters = {
    staging: await KubernetesEmulator.start(k8sOptions),
    prod: await KubernetesEmulator.start(k8sOptions),
  };
  // Argo CD polls the manifests repository at the pace of the other simulated systems.
  const argocd = await ArgoCdEmulator.start({ repos: github, token: ARGOCD_TOKEN, pollMs: pace.stepMs });
  seedWorld(github, clusters, argocd);
  const cloudwatch = await CloudWatchLogsEmulator.start({});
  const generateLogs = () => {
    for (const svc of Object.values(config.services)) {
      const cw = svc.logs && 'cloudwatch' in svc.logs ? svc.logs.cloudwatch : undefined;
      if (!cw) continue;
      for (const env of Object.keys(config.environments)) {
        const group = cw.group.replaceAll('{env}', env);
        const prefix = cw.streamPrefix ?? 'task';
        cloudwatch.generate({
          group,
          streams: [`${prefix}/1a2b3c`, `${prefix}/4d5e6f`],
          eventsPerSecond: env === 'prod' ? 8 : 3,
          errorBurst: { everyMs: 90_000, durationMs: 15_000, errorShare: 0.4 },
        });
      }
    }
  };
  generateLogs();
  const kubeconfig = renderKubeconfig([
    ...clusters.staging.kubeconfigContexts({ contexts: ['staging'] }),
    ...clusters.prod.kubeconfigContexts({ contexts: ['prod'] }),
  ]);
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });

  const signingSecret = randomBytes(16).toString('hex');
  let bot: Opsdeck | undefined;
  const boot = async () => {
    const settings = readSettings({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.apiUrl,
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN,
      OPSDECK_DATA_DIR: dataDir,
      PORT: String(opts.botPort),
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cloudwatch.url,
      AWS_REGION: 'us-east-1',
      ARGOCD_SERVER: argocd.url,
      ARGOCD_AUTH_TOKEN: ARGOCD_TOKEN,
    });
    bot = await startOpsdeck({
      config,
      settings,
      log: opts.log,
      kubeconfig,
      tuning: { pollMs: 1000, awsCredentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } },
    });
    slack.setBotUrl(`http://127.0.0.1:${bot.port}/slack/events`);
    return bot;
  };
  const services = Object.keys(config.services);
  const envs = Object.keys(config.environments);
  const slack: SlackEmulator = await SlackEmulator.start({
    signingSecret,
    botToken: BOT_TOKEN,
    port: opts.port,
    console: {
      ...fromManifest(config),
      controls: [
        {
          id: 'fail-next',
          label: 'Fail the next change',
          description:
            'The next deploy or rollback of this service fails like a bad release would; on Kubernetes, ' +
            'pick how its pods fail.',
          params: [
            { name: 'service', options: services },
            { name: 'env', options: envs },
            { name: 'how', options: [...POD_FAILURES] },
          ],
          run: async (p) =>
            failNextChange(config, { github, clusters }, p.service ?? '', p.env ?? '', asPodFailure(p.how)),
        },
        {
          id: 'edit-manifest',
          label: 'Edit the manifests by hand',
          description:
            "Commits an edit to billing's overlay in acme/deploy-manifests, as a teammate would, so the bot's next " +
            'GitOps change meets a file that moved under it.',
          params: [{ name: 'env', options: ['staging', 'prod'] }],
          run: async (p) => editManifest(github, p.env ?? ''),
        },
        {
          id: 'argocd-auto-sync',
          label: 'Argo CD auto-sync',
          description: "Turns automated sync of billing's Argo CD application on or off.",
          params: [
            { name: 'env', options: ['staging', 'prod'] },
            { name: 'auto-sync', options: ['off', 'on'] },
          ],
          run: async (p) => setAutoSync(argocd, p.env ?? '', p['auto-sync'] === 'on'),
        },
        {
          id: 'reset',
          label: 'Reset all state',
          description: 'Clears messages, requests, locks and the audit log, and puts the clusters and repos back.',
          run: async () => {
            await bot?.stop();
            slack.reset();
            github.reset();
            clusters.staging.reset();
            clusters.prod.reset();
            argocd.reset();
            seedWorld(github, clusters, argocd);
            cloudwatch.stopGenerators();
            cloudwatch.reset();
            generateLogs();
            await rm(dataDir, { recursive: true, force: true });
            await boot();
            return 'Everything is back to the start.';
          },
        },
      ],
    },
  });
  await boot();
  const consoleUrl = slack.url;
  return {
    consoleUrl,
    endpoints: [
      ['console', `${consoleUrl}  (open this)`],
      ['bot', `http://127.0.0.1:${bot!.port}/slack/events  (/healthz, /readyz, /metrics)`],
      ['slack api', slack.apiUrl],
      ['github api', github.url],
      ['kubernetes staging', clusters.staging.url],
      ['kubernetes prod', clusters.prod.url],
      ['argo cd', `${argocd.url}  (ARGOCD_AUTH_TOKEN=${ARGOCD_TOKEN}; applications billing-staging, billing-prod)`],
      ['cloudwatch logs', `${cloudwatch.url}  (aws logs tail /ecs/api-prod --endpoint-url ${cloudwatch.url})`],
      ['kubeconfig', `${kubeconfigPath}  (kubectl --kubeconfig ${kubeconfigPath} get deploy -A)`],
    ],
    async stop() {
      await bot?.stop();
      await Promise.all([
        slack.close(),
        github.close(),
        clusters.staging.close(),
        clusters.prod.close(),
        argocd.close(),
        cloudwatch.close(),
      ]);
    },
  };
}
