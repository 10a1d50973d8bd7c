import { ConfigError, type Problem } from './problems.ts';

/** Secrets and endpoints, which come from the environment (12-factor), never from the file. */
export interface Settings {
  slack:
    | { mode: 'http'; botToken: string; signingSecret: string; apiUrl: string | undefined }
    | { mode: 'socket'; botToken: string; appToken: string; apiUrl: string | undefined }
    /** No Slack credentials: `opsdeck start` refuses to run (the sandbox is its own command). */
    | { mode: 'none' };
  github: { token: string | undefined; apiUrl: string | undefined };
  /** Argo CD's API for the gitops driver's `watch: argocd`: server URL (or host) and an API token. */
  argocd: { server: string | undefined; token: string | undefined };
  /** Region and endpoint for CloudWatch Logs; credentials come from the SDK's default chain. */
  aws: { region: string | undefined; cloudwatchLogsEndpoint: string | undefined };
  /** KUBECONFIG as given, for messages: the Kubernetes client reads it (else ~/.kube/config) itself. */
  kubeconfig?: string | undefined;
  configPath: string;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  logLevel: string;
  port: number;
  /** Secrets of the alert endpoints; an endpoint without its secret refuses every request. */
  alerts: {
    alertmanagerToken: string | undefined;
    alertmanagerBasic: { username: string; password: string } | undefined;
    hmacSecret: string | undefined;
  };
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads settings from an environment map; throws ConfigError naming every bad variable. */
export function readSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const problems: Problem[] = [];
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const botToken = get('SLACK_BOT_TOKEN');
  const signingSecret = get('SLACK_SIGNING_SECRET');
  const appToken = get('SLACK_APP_TOKEN');
  const apiUrl = get('SLACK_API_URL');

  if (botToken && !botToken.startsWith('xoxb-'))
    problems.push({ path: 'SLACK_BOT_TOKEN', message: 'must be a bot token starting with xoxb-' });
  if (appToken && !appToken.startsWith('xapp-'))
    problems.push({
      path: 'SLACK_APP_TOKEN',
      message: 'must be an app-level token starting with xapp- (scope connections:write)',
    });
  if (!botToken && (signingSecret || appToken))
    problems.push({ path: 'SLACK_BOT_TOKEN', message: 'required with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN' });
  if (botToken && !appToken && !signingSecret) {
    problems.push({
      path: 'SLACK_SIGNING_SECRET',
      message: 'required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    });
  }
  for (const name of ['SLACK_API_URL', 'GITHUB_API_URL', 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS']) {
    const value = get(name);
    if (value && !/^https?:\/\/[^\s]+$/.test(value)) problems.push({ path: name, message: 'must be an http(s) URL' });
  }
  const argocdServer = get('ARGOCD_SERVER');
  if (argocdServer && !/^(https?:\/\/)?[\w.-]+(:\d+)?(\/[^\s]*)?$/.test(argocdServer)) {
    problems.push({ path: 'ARGOCD_SERVER', message: 'must be a URL or host such as https://argocd.example.com' });
  }
  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    problems.push({
      path: 'DATABASE_URL',
      message: 'must be a postgres:// URL (leave unset for the embedded SQLite store)',
    });
  const portText = get('PORT') ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push({ path: 'PORT', message: `must be a port number, got "${portText}"` });
  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!LEVELS.includes(logLevel)) problems.push({ path: 'LOG_LEVEL', message: `must be one of ${LEVELS.join(', ')}` });
  const amUser = get('OPSDECK_ALERTMANAGER_USERNAME');
  const amPassword = get('OPSDECK_ALERTMANAGER_PASSWORD');
  if (!amUser !== !amPassword) {
    problems.push({
      path: amUser ? 'OPSDECK_ALERTMANAGER_PASSWORD' : 'OPSDECK_ALERTMANAGER_USERNAME',
      message: 'set both OPSDECK_ALERTMANAGER_USERNAME and OPSDECK_ALERTMANAGER_PASSWORD for basic auth',
    });
  }
  for (const name of ['OPSDECK_ALERTMANAGER_TOKEN', 'OPSDECK_ALERTMANAGER_PASSWORD', 'OPSDECK_ALERTS_HMAC_SECRET']) {
    const value = get(name);
    if (value && value.length < 16) problems.push({ path: name, message: 'must be at least 16 characters' });
  }
  if (problems.length) throw new ConfigError(problems, 'environment');

  const slack: Settings['slack'] = !botToken
    ? { mode: 'none' }
    : appToken
      ? { mode: 'socket', botToken, appToken, apiUrl: normalizeApiUrl(apiUrl) }
      : { mode: 'http', botToken, signingSecret: signingSecret!, apiUrl: normalizeApiUrl(apiUrl) };
  return {
    slack,
    github: { token: get('GITHUB_TOKEN'), apiUrl: get('GITHUB_API_URL') },
    argocd: { server: argocdServer, token: get('ARGOCD_AUTH_TOKEN') },
    aws: {
      region: get('AWS_REGION') ?? get('AWS_DEFAULT_REGION'),
      cloudwatchLogsEndpoint: get('AWS_ENDPOINT_URL_CLOUDWATCH_LOGS') ?? get('AWS_ENDPOINT_URL'),
    },
    kubeconfig: get('KUBECONFIG'),
    configPath: get('OPSDECK_CONFIG') ?? 'opsdeck.yaml',
    databaseUrl,
    dataDir: get('OPSDECK_DATA_DIR') ?? '.opsdeck',
    redisUrl: get('REDIS_URL'),
    logLevel,
    port,
    alerts: {
      alertmanagerToken: get('OPSDECK_ALERTMANAGER_TOKEN'),
      alertmanagerBasic: amUser && amPassword ? { username: amUser, password: amPassword } : undefined,
      hmacSecret: get('OPSDECK_ALERTS_HMAC_SECRET'),
    },
  };
}

/** The Web API client joins method names onto this, so it must end with a slash. */
function normalizeApiUrl(url: string | undefined): string | undefined {
  return url && !url.endsWith('/') ? `${url}/` : url;
}
