import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CloudWatchLogsEmulator } from '../../src/sandbox/cloudwatch/index.ts';
import { startCloudWatch } from './cloudwatch-harness.ts';

// CI installs Debian's `awscli` package (AWS CLI v2). Elsewhere PATH may hold a v1 (pip) first, which has
// no `aws logs tail`, so every `aws` on PATH is probed and the first v2 is used.
const candidates = [...new Set((process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'aws')))].filter(
  (bin) => {
    try {
      accessSync(bin, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
);

const SKIP_REASON = 'no aws binary on PATH; CI installs it with: apt-get install -y awscli';
if (candidates.length === 0) console.warn(`Skipping the AWS CLI tests of the CloudWatch Logs emulator: ${SKIP_REASON}`);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// Fake credentials and no shared config, so the developer's own AWS setup can neither leak in nor be used.
const awsEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_PROFILE: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_EC2_METADATA_DISABLED: 'true',
  // `aws logs tail` writes without flushing; unbuffered output lets the follow test read lines as they come.
  PYTHONUNBUFFERED: '1',
};

const run = (bin: string, args: string[]): Promise<Run> =>
  new Promise((resolve, reject) => {
    execFile(bin, args, { env: awsEnv, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });

/** Resolves with the output so far once `done(output)` holds; rejects if the process exits first or time runs out. */
function waitForOutput(
  child: ChildProcess,
  output: () => string,
  done: (out: string) => boolean,
  timeoutMs = 20_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done(output())) return;
      cleanup();
      resolve(output());
    };
    const exited = (code: number | null) => {
      cleanup();
      reject(new Error(`aws exited (${code}) before the expected output:\n${output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for aws output:\n${output()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', exited);
    };
    child.stdout?.on('data', check);
    child.once('exit', exited);
    check();
  });
}

describe.skipIf(candidates.length === 0)(
  `AWS CLI against the CloudWatch Logs emulator${candidates.length === 0 ? ` (skipped: ${SKIP_REASON})` : ''}`,
  () => {
    let aws: { bin: string; v2: boolean };
    let cw: CloudWatchLogsEmulator;
    const children: ChildProcess[] = [];
    const cli = (...args: string[]) =>
      run(aws.bin, [...args, '--endpoint-url', cw.url, ...(aws.v2 ? ['--no-cli-pager'] : [])]);

    beforeAll(async () => {
      const versions = await Promise.all(
        candidates.map(async (bin) => {
          const probe = await run(bin, ['--version']);
          return { bin, version: probe.stdout + probe.stderr };
        }),
      );
      const chosen = versions.find((c) => c.version.startsWith('aws-cli/2')) ?? versions[0];
      if (!chosen) throw new Error('no runnable aws binary');
      aws = { bin: chosen.bin, v2: chosen.version.startsWith('aws-cli/2') };
    }, 60_000);

    afterEach(() => {
      for (const child of children.splice(0)) child.kill('SIGKILL');
    });

    it('filter-log-events follows every page and prints the matching events as JSON', async () => {
      cw = await startCloudWatch({ segmentSize: 2 });
      const now = Date.now();
      cw.put('/ecs/api', 'web-1', [
        { timestamp: now - 3000, message: 'ERROR boom 1' },
        { timestamp: now - 2000, message: 'all good' },
        { timestamp: now - 1900, message: 'still good' },
      ]);
      cw.put('/ecs/api', 'web-2', [{ timestamp: now - 1000, message: 'ERROR boom 2' }]);
      const result = await cli(
        'logs',
        'filter-log-events',
        '--log-group-name',
        '/ecs/api',
        '--filter-pattern',
        'ERROR',
        '--output',
        'json',
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const { events } = JSON.parse(result.stdout) as {
        events: { message: string; logStreamName: string; eventId: string }[];
      };
      expect(events.map((e) => [e.logStreamName, e.message])).toEqual([
        ['web-1', 'ERROR boom 1'],
        ['web-2', 'ERROR boom 2'],
      ]);
      expect(events.map((e) => e.eventId)).toEqual(
        cw
          .events('/ecs/api')
          .filter((e) => e.message.startsWith('ERROR'))
          .map((e) => e.eventId),
      );
      // Two scanning segments: the CLI followed the token through the page that matched nothing.
      expect(cw.requests.filter((r) => r.operation === 'FilterLogEvents' && r.status === 200)).toHaveLength(2);
    });

    it('reports service errors with their AWS error code', async () => {
      cw = await startCloudWatch();
      const result = await cli('logs', 'filter-log-events', '--log-group-name', '/nope');
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('ResourceNotFoundException');
      expect(result.stderr).toContain('The specified log group does not exist.');
    });

    it('tail --since 5m prints the lines of the last five minutes', async () => {
      if (!aws.v2)
        throw new Error(`${aws.bin} is AWS CLI v1, which has no "aws logs tail"; install v2 (apt-get install awscli)`);
      cw = await startCloudWatch();
      const now = Date.now();
      cw.put('/ecs/api', 'web-1', [
        { timestamp: now - 10 * 60_000, message: 'ten minutes ago' },
        { timestamp: now - 2 * 60_000, message: 'two minutes ago' },
      ]);
      cw.put('/ecs/api', 'web-2', [{ timestamp: now - 60_000, message: 'one minute ago' }]);
      const result = await cli('logs', 'tail', '/ecs/api', '--since', '5m');
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+\+00:00 web-1 two minutes ago$/);
      expect(lines[1]).toMatch(/ web-2 one minute ago$/);
    });

    it('tail --follow keeps printing new lines while the generator writes, without duplicates', async () => {
      if (!aws.v2)
        throw new Error(`${aws.bin} is AWS CLI v1, which has no "aws logs tail"; install v2 (apt-get install awscli)`);
      cw = await startCloudWatch({ ingestionDelayMs: 50 });
      cw.generate({ group: '/ecs/api', streams: ['web-1', 'web-2'], eventsPerSecond: 20, tickMs: 50, secretShare: 0 });
      const child = spawn(
        aws.bin,
        ['logs', 'tail', '/ecs/api', '--follow', '--since', '1m', '--endpoint-url', cw.url, '--no-cli-pager'],
        {
          env: awsEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const eventLines = (out: string) => out.split('\n').filter((line) => /^\d{4}-\d\d-\d\dT\S+ web-\d /.test(line));

      const firstPoll = eventLines(
        await waitForOutput(
          child,
          () => stdout,
          (out) => eventLines(out).length > 0,
        ),
      );
      const marker = `marker ${Date.now()}`;
      cw.put('/ecs/api', 'web-1', [{ timestamp: Date.now(), message: marker }]);
      // The CLI polls again 5 s after a poll that ended without nextToken.
      const lines = eventLines(
        await waitForOutput(
          child,
          () => stdout,
          // Under load the generator may not have written between two polls yet: the next poll brings its lines.
          (out) => out.includes(marker) && eventLines(out).length > firstPoll.length + 1,
        ),
      );
      child.kill('SIGKILL');

      expect(lines.length).toBeGreaterThan(firstPoll.length + 1);
      expect(lines.filter((line) => line.endsWith(` web-1 ${marker}`))).toHaveLength(1);
      expect(new Set(lines).size).toBe(lines.length);
      expect(cw.requests.filter((r) => r.operation === 'FilterLogEvents').length).toBeGreaterThanOrEqual(2);
    }, 40_000);
  },
);
