import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';
import { startBackends, GITHUB_TOKEN } from './helpers/backends.ts';
import { BARE_CONFIG } from './helpers/bare-config.ts';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } from './helpers/harness.ts';
import { requestIn } from './helpers/requests.ts';
import { systemClock } from '../src/ports/clock.ts';
import { SlackEmulator, type SlashCommandInput } from '../src/sandbox/slack/index.ts';

const run = promisify(execFile);
const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
const ignored = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n').filter(Boolean);
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  files: string[];
  dependencies: Record<string, string>;
};

/** Runs a command and resolves with its exit code and output instead of rejecting on a non-zero exit. */
function exec(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Packages imported (statically or dynamically) by the files under the given folders, sandbox excluded. */
async function importedPackages(dirs: string[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (const dir of dirs) {
    for (const entry of await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
      const path = join(entry.parentPath, entry.name);
      if (!entry.isFile() || !path.endsWith('.ts') || path.includes('/src/sandbox/')) continue;
      const text = await readFile(path, 'utf8');
      // Import and export statements and dynamic imports only: prose in comments says "from" too.
      const statements = new RegExp(
        [
          /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^.'"][^'"]*)['"]/.source,
          /\bimport\(\s*['"]([^.'"][^'"]*)['"]\s*\)/.source,
        ].join('|'),
        'gm',
      );
      for (const m of text.matchAll(statements)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('node:')) continue;
        names.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      }
    }
  }
  return names;
}

describe('Dockerfile', () => {
  it('builds on node:24-slim in two stages and runs as a non-root user with a health check', () => {
    expect(dockerfile.match(/^FROM node:24-slim/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", ("--[\w-]+(=\w+)?", )*"dist\/bundle\/main\.js"\]/m);
  });

  it('starts node with the V8 flags that keep RSS level under a stream of commands', () => {
    const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(entry.filter((arg) => arg.startsWith('--'))).toEqual(['--optimize-for-size']);
  });

  it("keeps V8's young generation small under the image's flags, in the main thread and a worker", async () => {
    const flags = (JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[]).filter((arg) =>
      arg.startsWith('--'),
    );
    // Garbage enough to grow a young generation V8 were free to grow; the worker asks for a larger one.
    const script = `
      const { Worker, isMainThread, parentPort } = require('node:worker_threads');
      const young = () => {
        for (let i = 0, kept = []; i < 2e6; i++) if (i % 10 === 0) kept.push({ i, s: 'x' + i });
        return require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      };
      if (isMainThread) {
        const main = young();
        const limits = { maxYoungGenerationSizeMb: 48 };
        new Worker(process.argv[1], { eval: true, argv: [process.argv[1]], resourceLimits: limits })
          .on('message', (worker) => console.log(JSON.stringify({ main, worker })));
      } else parentPort.postMessage(young());`;
    const sizes = async (nodeFlags: string[]) =>
      JSON.parse((await run(process.execPath, [...nodeFlags, '-e', script, script])).stdout) as Record<string, number>;
    const [image, plain] = await Promise.all([sizes(flags), sizes([])]);
    // About 2 MB (1 MB while V8 shrinks it, a few MB at moments when more survives); without the flag the same
    // garbage grows it to tens of megabytes, the worker's too, so the small size is the flag's doing.
    for (const thread of ['main', 'worker']) {
      expect(image[thread]).toBeLessThanOrEqual(4 * 1024 * 1024);
      expect(plain[thread]).toBeGreaterThan(4 * image[thread]!);
    }
  });

  it('limits glibc to two malloc arenas in the runtime stage, which keeps RSS level under a stream of commands', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^ENV (.+\\\n)*\s*MALLOC_ARENA_MAX=2\b/m);
  });

  it('copies into the build stage every local module its build scripts import', async () => {
    const build = dockerfile.slice(0, dockerfile.lastIndexOf('\nFROM '));
    const copied = [...build.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) =>
      m[1]!.trim().split(/\s+/).slice(0, -1),
    );
    const scripts = copied.filter((source) => source.startsWith('scripts/'));
    expect(scripts).toContain('scripts/bundle.ts');
    for (const script of scripts) {
      const source = await readFile(join(ROOT, script), 'utf8');
      for (const [, spec] of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = join('scripts', spec!);
        expect(
          copied.some((source) => target === source || target.startsWith(`${source}/`)),
          `${script} imports ${spec}, which the build stage copies`,
        ).toBe(true);
      }
    }
  });

  it('copies only files that exist and are not excluded by .dockerignore', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) =>
      m[1]!.trim().split(/\s+/).slice(0, -1),
    );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), `${source} exists`).toBe(true);
      expect(ignored, `${source} is not docker-ignored`).not.toContain(source);
    }
  });

  it('ships no emulators or console: not in the runtime stage, not in the package files', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).not.toMatch(/src\/sandbox|COPY (--from=build \/app\/)?src /);
    expect(pkg.files.filter((f) => f.startsWith('src'))).toEqual([]);
    // Not even sent to the build: the build stage compiles without them.
    expect(ignored).toContain('src/sandbox');
  });

  it('has as production dependencies exactly the packages production code imports (emulators: dev)', async () => {
    const used = await importedPackages(['src', 'commands']);
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...used].sort());
    expect(pkg.dependencies).not.toHaveProperty('ws');
  });

  describe('the compiled entry point', () => {
    let out: string;
    let slack: SlackEmulator;
    beforeAll(async () => {
      // Inside the project so the compiled files resolve node_modules like they do in the image.
      await mkdir(join(ROOT, '.opsdeck'), { recursive: true });
      out = await mkdtemp(join(ROOT, '.opsdeck', 'build-'));
      // What `npm run build` does, into a folder of its own: compile, then bundle.
      await run(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out],
        { cwd: ROOT },
      );
      await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bundle.ts'), out], { cwd: ROOT });
      slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, appToken: APP_TOKEN });
    }, 60_000);
    afterAll(async () => {
      await slack?.close();
      await rm(out, { recursive: true, force: true });
    });

    it('contains no sandbox files', async () => {
      const files = await readdir(out, { recursive: true });
      expect(files.filter((f) => /(^|\/)sandbox\/|emulator/.test(f))).toEqual([]);
      expect(files).toContain('src/cli/sandbox-command.js');
      expect(files).toEqual(
        expect.arrayContaining(['bundle/main.js', 'bundle/store-worker.js', 'bundle/index-worker.js']),
      );
    });

    it('bundles ASCII only, so Node holds the source of each chunk at one byte a character', async () => {
      const chunks = (await readdir(join(out, 'bundle'))).filter((f) => f.endsWith('.js'));
      const wide = [];
      for (const chunk of chunks) {
        if (/[\u0080-\uffff]/.test(await readFile(join(out, 'bundle', chunk), 'utf8'))) wide.push(chunk);
      }
      expect(chunks.length).toBeGreaterThan(3);
      expect(wide).toEqual([]);
    });

    it('refuses to start without Slack credentials, naming the variables and where they come from', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'opsdeck-built-'));
      const res = await exec(process.execPath, [join(out, 'bundle/main.js'), 'start'], {
        OPSDECK_CONFIG: 'opsdeck.example.yaml',
        OPSDECK_DATA_DIR: dataDir,
        PORT: '0',
      });
      expect(res.code).toBe(2);
      expect(res.stdout).toBe('');
      for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'Installing the Slack app'])
        expect(res.stderr).toContain(name);
      expect(await readdir(dataDir)).toEqual([]);
      await rm(dataDir, { recursive: true, force: true });
    });

    it('says the sandbox is only in a source checkout', async () => {
      const res = await exec(process.execPath, [join(out, 'bundle/main.js'), 'sandbox', '--port', '0'], {});
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(
        'the sandbox (emulators of Slack with its web console, GitHub, Kubernetes, Argo CD and CloudWatch Logs) ' +
          'is only in a source checkout',
      );
      expect(res.stderr).toContain('npm start');
    });

    it('checks a config', async () => {
      const { stdout } = await run(
        process.execPath,
        [join(out, 'bundle/main.js'), 'config', 'check', 'opsdeck.example.yaml'],
        { cwd: ROOT },
      );
      expect(stdout).toContain('OK');
    });

    /** The built bot, started with `env` on top of the bot token and the emulator's URL. */
    /**
     * The built bot with the example config and a data folder of its own (removed by `stop`), and `env` on
     * top of the bot token and the emulator's URL.
     */
    const startBuilt = (env: Record<string, string>, nodeFlags: string[] = []) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'opsdeck-built-'));
      const child = spawn(process.execPath, [...nodeFlags, join(out, 'bundle/main.js'), 'start'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_API_URL: slack.apiUrl,
          OPSDECK_CONFIG: 'opsdeck.example.yaml',
          OPSDECK_DATA_DIR: dataDir,
          PORT: '0',
          LOG_LEVEL: 'info',
          ...env,
        },
      });
      let output = '';
      let timer: NodeJS.Timeout | undefined;
      // The port from the log line that says the bot is serving.
      const port = new Promise<number>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`the built bot did not start: ${output}`)), 15_000);
        child.stdout.on('data', (d: Buffer) => {
          output += String(d);
          const serving = /"port":(\d+),"msg":"opsdeck started"/.exec(output);
          if (serving) resolve(Number(serving[1]));
        });
      });
      port.catch(() => undefined);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      return {
        output: () => output,
        port: () => port,
        stop: async () => {
          clearTimeout(timer);
          child.kill('SIGTERM');
          const code = await exited;
          await rm(dataDir, { recursive: true, force: true });
          return code;
        },
      };
    };

    /** Sends a slash command in #deploys and returns the text and blocks of the reply through response_url. */
    const replyTo = async (command: Omit<SlashCommandInput, 'channel'>): Promise<string> => {
      // Only a reply to this command: the emulator keeps the replies of the tests before.
      const before = slack.messages({ visibleTo: command.user }).length;
      expect((await slack.sendSlashCommand({ channel: 'C0DEPLOYS', ...command })).status).toBe(200);
      const reply = await slack.waitFor(() =>
        slack
          .messages({ visibleTo: command.user })
          .slice(before)
          .find((m) => m.source === 'response_url'),
      );
      return `${reply.text}\n${JSON.stringify(reply.blocks)}`;
    };

    it('searches a large runbook folder, indexed on the index thread the bundle holds', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'opsdeck-built-runbooks-'));
      // Enough runbooks that the bot indexes them on its index thread (a file of the bundle).
      for (let i = 0; i < 1_000; i++) {
        await writeFile(join(dir, `runbook-${i}.md`), `---\ntitle: Queue backlog ${i}\n---\nDrain worker ${i}.\n`);
      }
      await writeFile(
        join(dir, 'opsdeck.yaml'),
        'environments:\n  prod: {}\nservices:\n  api: { github: { repo: acme/api } }\n' +
          `roles:\n  reader: { members: [U0ALICE], allow: [runbook] }\nrunbooks: { path: ${dir} }\n`,
      );
      const bot = startBuilt({ SLACK_SIGNING_SECRET: SIGNING_SECRET, OPSDECK_CONFIG: join(dir, 'opsdeck.yaml') });
      try {
        slack.setBotUrl(`http://127.0.0.1:${await bot.port()}/slack/events`);
        expect(await replyTo({ user: 'U0ALICE', command: '/runbook', text: 'worker 742' })).toContain(
          'Queue backlog 742',
        );
        expect(bot.output()).not.toContain('could not be indexed on another thread');
      } finally {
        await bot.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });

    // Several starts and waits of up to 15 s each: more than the default test timeout on a loaded machine.
    it('deploys with GitHub and Kubernetes, reads and follows CloudWatch Logs, their SDKs in the bundle', async () => {
      const chunks = (await readdir(join(out, 'bundle'))).filter((f) => f.endsWith('.js'));
      const source = (await Promise.all(chunks.map((f) => readFile(join(out, 'bundle', f), 'utf8')))).join('\n');
      expect(source).not.toMatch(/(from\s*|import\()"(@kubernetes|@octokit|@aws-sdk)\//);
      // The emulators on the system clock: the built bot runs on it and asks CloudWatch for the last minutes.
      const world = await startBackends(systemClock);
      const dir = await mkdtemp(join(tmpdir(), 'opsdeck-built-world-'));
      await writeFile(join(dir, 'kubeconfig'), world.kubeconfig, { mode: 0o600 });
      const bot = startBuilt({
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        KUBECONFIG: join(dir, 'kubeconfig'),
        GITHUB_API_URL: world.github.url,
        GITHUB_TOKEN,
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: world.cloudwatch.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
        AWS_SECRET_ACCESS_KEY: 'bundle-test-secret',
      });
      try {
        slack.setBotUrl(`http://127.0.0.1:${await bot.port()}/slack/events`);
        const now = systemClock.now().getTime();
        world.cloudwatch.put('/ecs/api-staging', 'task/1', [
          { timestamp: now - 30_000, message: 'GET /v1/orders 200' },
        ]);
        expect(await replyTo({ user: 'U0BOB', command: '/logs', text: 'api staging --since 5m' })).toContain(
          'GET /v1/orders 200',
        );
        // A follow streams over Live Tail: the SDK's HTTP/2 event stream, from the bundle.
        await slack.sendSlashCommand({
          user: 'U0BOB',
          channel: 'C0DEPLOYS',
          command: '/logs',
          text: 'api staging -f',
        });
        const follow = await slack.waitFor(() => requestIn(slack, 'Following logs of *api* in *staging*'));
        const inThread = (words: string) =>
          slack.waitFor(
            () => slack.messages({ channel: 'C0DEPLOYS', threadTs: follow.ts }).find((m) => m.text.includes(words)),
            { timeoutMs: 15_000 },
          );
        await inThread('Streaming over CloudWatch Live Tail.');
        world.cloudwatch.put('/ecs/api-staging', 'task/1', [
          { timestamp: systemClock.now().getTime(), message: 'GET /v1/live 200' },
        ]);
        await slack.waitFor(
          () =>
            slack
              .messages({ channel: 'C0DEPLOYS', threadTs: follow.ts })
              .some((m) => JSON.stringify(m.blocks).includes('GET /v1/live 200')),
          { timeoutMs: 15_000 },
        );
        expect(world.cloudwatch.liveTailSessions).toHaveLength(1);
        await slack.sendSlashCommand({
          user: 'U0BOB',
          channel: 'C0DEPLOYS',
          command: '/deploy',
          text: 'api staging v1.2.0',
        });
        const request = await slack.waitFor(() => requestIn(slack, 'Deploy api to staging'));
        const report = await slack.waitFor(
          () =>
            slack
              .messages({ channel: 'C0DEPLOYS', threadTs: request.ts })
              .find((m) => m.text.includes('<@U0BOB> done')),
          { timeoutMs: 15_000 },
        );
        const sha = world.github.shaOf('acme/api', 'v1.2.0');
        expect(report.text).toContain(`running ghcr.io/acme/api:${sha}`);
        expect(world.clusters.staging.getDeployment('api', 'api')?.spec.template.spec.containers[0]?.image).toBe(
          `ghcr.io/acme/api:${sha}`,
        );
      } finally {
        await bot.stop();
        await world.close();
        await rm(dir, { recursive: true, force: true });
      }
    }, 90_000);

    it('loads the chunk of an SDK at start only when the config uses that backend', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'opsdeck-built-trace-'));
      await writeFile(join(dir, 'bare.yaml'), BARE_CONFIG);
      /** The SDK classes defined in the chunks the built bot loaded by the time it served. */
      const sdksLoaded = async (name: string, env: Record<string, string>) => {
        const trace = join(dir, `${name}.txt`);
        const bot = startBuilt({ SLACK_SIGNING_SECRET: SIGNING_SECRET, OPSDECK_TRACE_MODULES: trace, ...env }, [
          '--import',
          join(ROOT, 'test/helpers/trace-modules.mjs'),
        ]);
        try {
          await bot.port();
        } finally {
          await bot.stop();
        }
        const chunks = (await readFile(trace, 'utf8')).split('\n').filter((url) => url.includes('/bundle/'));
        const sources = await Promise.all(chunks.map((url) => readFile(fileURLToPath(url), 'utf8')));
        return ['KubeConfig', 'CloudWatchLogsClient', 'Octokit'].filter((sdk) =>
          sources.some((source) => source.includes(`var ${sdk}=class`)),
        );
      };
      try {
        expect(await sdksLoaded('bare', { OPSDECK_CONFIG: join(dir, 'bare.yaml') })).toEqual([]);
        // The example config uses all three: what the check looks for is there when it is loaded.
        expect(await sdksLoaded('example', {})).toEqual(['KubeConfig', 'CloudWatchLogsClient', 'Octokit']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 60_000);

    it('answers a slash command over Socket Mode, with Bolt in the bundle', async () => {
      const bot = startBuilt({ SLACK_APP_TOKEN: APP_TOKEN });
      try {
        await slack.waitFor(() => slack.socketCount() === 1, { timeoutMs: 15_000 });
        const reply = await replyTo({ user: 'U0BOB', command: '/ops', text: 'help deploy', transport: 'socket' });
        // The escaped sources still say what they said: the bullets came through esbuild as \u2022.
        expect(reply).toMatch(/• `<?service>?`/);
      } finally {
        await bot.stop();
      }
    });

    it('starts, serves /healthz, becomes ready, and stops on SIGTERM', async () => {
      const bot = startBuilt({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
      try {
        const port = await bot.port();
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
        // Ready: the store's thread, a file of the bundle of its own, answers, and Slack accepts the token.
        let ready: Response;
        do {
          ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        } while (ready.status !== 200 && (await new Promise((next) => setTimeout(next, 20, true))));
        expect(await ready.text()).toBe('ready\n');
        expect(await bot.stop()).toBe(0);
        expect(bot.output()).toContain('"msg":"stopped"');
      } finally {
        await bot.stop();
      }
    });
  });
});
