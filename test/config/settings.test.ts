import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/problems.ts';
import { readSettings } from '../../src/config/settings.ts';

describe('readSettings', () => {
  it.each([
    ['no Slack credentials → none (start refuses, the sandbox is a command of its own)', {}, { mode: 'none' }],
    [
      'bot token + signing secret → HTTP',
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' },
      { mode: 'http', botToken: 'xoxb-1', signingSecret: 's', apiUrl: undefined },
    ],
    [
      'bot token + app token → Socket Mode',
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' },
      { mode: 'socket', botToken: 'xoxb-1', appToken: 'xapp-1', apiUrl: undefined },
    ],
    [
      'SLACK_API_URL gets its trailing slash',
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9/api' },
      { mode: 'http', botToken: 'xoxb-1', signingSecret: 's', apiUrl: 'http://127.0.0.1:9/api/' },
    ],
  ])('%s', (_label, env, slack) => {
    expect(readSettings(env).slack).toEqual(slack);
  });

  it("reads the alert endpoints' secrets", () => {
    const env = {
      OPSDECK_ALERTMANAGER_TOKEN: 'am-token-0123456789',
      OPSDECK_ALERTMANAGER_USERNAME: 'alertmanager',
      OPSDECK_ALERTMANAGER_PASSWORD: 'am-password-0123456789',
      OPSDECK_ALERTS_HMAC_SECRET: 'hmac-secret-0123456789',
    };
    expect(readSettings(env).alerts).toEqual({
      alertmanagerToken: 'am-token-0123456789',
      alertmanagerBasic: { username: 'alertmanager', password: 'am-password-0123456789' },
      hmacSecret: 'hmac-secret-0123456789',
    });
    expect(readSettings({}).alerts).toEqual({
      alertmanagerToken: undefined,
      alertmanagerBasic: undefined,
      hmacSecret: undefined,
    });
  });

  it('has defaults for everything optional', () => {
    expect(readSettings({})).toMatchObject({
      configPath: 'opsdeck.yaml',
      dataDir: '.opsdeck',
      port: 3000,
      logLevel: 'info',
      databaseUrl: undefined,
    });
  });

  it.each([
    [
      { SLACK_BOT_TOKEN: 'xoxp-user', SLACK_SIGNING_SECRET: 's' },
      'SLACK_BOT_TOKEN: must be a bot token starting with xoxb-',
    ],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      'SLACK_SIGNING_SECRET: required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    ],
    [{ SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN: required with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN'],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' },
      'SLACK_APP_TOKEN: must be an app-level token starting with xapp- (scope connections:write)',
    ],
    [{ SLACK_API_URL: 'slack.com/api' }, 'SLACK_API_URL: must be an http(s) URL'],
    [
      { DATABASE_URL: 'mysql://x' },
      'DATABASE_URL: must be a postgres:// URL (leave unset for the embedded SQLite store)',
    ],
    [{ PORT: '70000' }, 'PORT: must be a port number, got "70000"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent'],
    [
      { OPSDECK_ALERTMANAGER_USERNAME: 'am' },
      'OPSDECK_ALERTMANAGER_PASSWORD: set both OPSDECK_ALERTMANAGER_USERNAME and OPSDECK_ALERTMANAGER_PASSWORD',
    ],
    [{ OPSDECK_ALERTMANAGER_TOKEN: 'short' }, 'OPSDECK_ALERTMANAGER_TOKEN: must be at least 16 characters'],
    [{ OPSDECK_ALERTS_HMAC_SECRET: 'short' }, 'OPSDECK_ALERTS_HMAC_SECRET: must be at least 16 characters'],
  ])('rejects %j', (env, line) => {
    try {
      readSettings(env);
      expect.unreachable('readSettings accepted bad settings');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain(line);
    }
  });
});
