import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactDeep, type RedactionRule } from '../../src/core/redact.ts';
import { OWN_RULES } from '../../src/core/redaction/own-rules.ts';

const R = REDACTED;
// Split so that secret scanners do not flag this file; the values are fake.
const slackBot = ['xoxb', '1234567890', '0987654321', 'AbCdEfGhIjKlMnOp'].join('-');
const slackUser = ['xoxp', '1234567890', '0987654321', 'QrStUvWx'].join('-');
const slackApp = ['xapp', '1', 'A0123ABCD', '1234567890', 'abcdef0123456789'].join('-');
const ghp = `ghp_${'A1b2C3d4E5'.repeat(3)}123456`;
const ghPat = `github_pat_11ABCDEFG0_${'x9'.repeat(20)}`;
const webhook = ['https://hooks.slack.com/services', 'T04ABCD1234', 'B05EFGH5678', 'q1W2e3R4t5Y6u7I8o9P0a1S2'].join(
  '/',
);
const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMEFMSUNFIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const pem = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn',
  'kYZ1aQ9ocLQz2kW8Hc+/yG==',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

describe('redact: each own rule, and the gitleaks rules for shapes they replace', () => {
  it.each<[rule: string, input: string, output: string]>([
    ['slack-token', `SLACK_BOT_TOKEN is ${slackBot} ok`, `SLACK_BOT_TOKEN is ${R} ok`],
    ['slack-token', `user token ${slackUser}`, `user token ${R}`],
    ['slack-token (app)', `app ${slackApp}.`, `app ${R}.`],
    ['github-token', `cloning with ${ghp} now`, `cloning with ${R} now`],
    ['github-token', `gho_${'a'.repeat(36)}`, R],
    ['github-token', `token ${ghPat}`, `token ${R}`],
    ['gitleaks aws-access-token', 'key AKIAIOSFODNN7EXAMPLE in env', `key ${R} in env`],
    ['gitleaks aws-access-token', 'session ASIAIOSFODNN7EXAMPLE', `session ${R}`],
    ['private-key', `before\n${pem}\nafter`, `before\n${R}\nafter`],
    ['private-key', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----', R],
    ['private-key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----', R],
    ['private-key (cut off: redacts to the end)', 'x -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIr\nline 3', `x ${R}`],
    ['gitleaks jwt', `session=${jwt}; path=/`, `session=${R}; path=/`],
    ['gitleaks jwt', `cookie ${jwt}`, `cookie ${R}`],
    ['bearer', 'Authorization: Bearer abc.def-ghi_jkl~123', `Authorization: Bearer ${R}`],
    ['bearer (JWT)', `Authorization: Bearer ${jwt}`, `Authorization: Bearer ${R}`],
    ['bearer (letters only: 6% of random 16-character tokens have no digit)', 'Bearer abcdefghijklmnop', `Bearer ${R}`],
    ['bearer (lower case)', 'authorization: bearer 0123456789abcdef', `authorization: bearer ${R}`],
    ['bearer (Basic)', 'Authorization: Basic dXNlcjpodW50ZXIy', `Authorization: Basic ${R}`],
    ['secret-assignment', 'password=hunter2 next', `password=${R} next`],
    ['secret-assignment', 'PASSWORD=hunter2', `PASSWORD=${R}`],
    ['secret-assignment', 'secret: s3cr3t', `secret: ${R}`],
    ['secret-assignment', 'api_key=abc123&page=2', `api_key=${R}&page=2`],
    ['secret-assignment', 'api-key: abc123, other', `api-key: ${R}, other`],
    ['secret-assignment', 'apikey=abc123', `apikey=${R}`],
    ['secret-assignment', 'GET /hook?token=abc123&x=1', `GET /hook?token=${R}&x=1`],
    ['secret-assignment', 'client_secret=abc;', `client_secret=${R};`],
    ['secret-assignment', 'access_key = abc', `access_key = ${R}`],
    ['secret-assignment', 'passwd=x pwd=y', `passwd=${R} pwd=${R}`],
    ['secret-assignment (JSON)', '{"password": "hunter2", "user": "bob"}', `{"password": "${R}", "user": "bob"}`],
    ['secret-assignment (compact JSON)', '{"password":"hunter2","user":"bob"}', `{"password":"${R}","user":"bob"}`],
    ['secret-assignment (single quotes)', "{'secret': 'abc'}", `{'secret': '${R}'}`],
    [
      'secret-assignment (quoted value with spaces)',
      'password="correct horse battery" user=bob',
      `password="${R}" user=bob`,
    ],
    ['secret-assignment (unterminated quote)', 'password="hunter2', `password="${R}`],
    ['secret-assignment (env var with a prefix)', 'DB_PASSWORD=hunter2 PORT=5432', `DB_PASSWORD=${R} PORT=5432`],
    [
      'secret-assignment (env var with a prefix)',
      'GITHUB_TOKEN=abc SLACK_SIGNING_SECRET=def',
      `GITHUB_TOKEN=${R} SLACK_SIGNING_SECRET=${R}`,
    ],
    [
      'secret-assignment (env var with a prefix)',
      'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG',
      `aws_secret_access_key=${R}`,
    ],
    ['slack-token (refresh)', `rotate ${['xoxe', '1', 'My0xLTEyMzQ'].join('-')} now`, `rotate ${R} now`],
    ['slack-token (configuration)', `cfg ${['xoxe.xoxp', '1', 'Mi0yLTEyMzQ1'].join('-')}`, `cfg ${R}`],
    [
      'private-key (PGP)',
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0=\n=Ab1c\n-----END PGP PRIVATE KEY BLOCK-----',
      R,
    ],
    [
      'private-key (escaped in JSON)',
      '{"k":"-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----\\n","n":1}',
      `{"k":"${R}\\n","n":1}`,
    ],
    ['key-body-line', `a\n${'MIIEpAIBAAKCAQEAx3Lq9+/Zk'.padEnd(64, 'Qw8')}\nb`, `a\n${R}\nb`],
    ['url-password', 'postgres://app:s3cr3t@db:5432/x', `postgres://app:${R}@db:5432/x`],
    ['url-password (no user)', 'redis://:s3cr3t@cache:6379', `redis://:${R}@cache:6379`],
    ['url-password (an @ in it)', 'amqp://u:p@ss@mq/vhost', `amqp://u:${R}@mq/vhost`],
    ['secret-assignment (camelCase)', '{"sessionToken": "abc", "n": 1}', `{"sessionToken": "${R}", "n": 1}`],
    ['secret-assignment (PascalCase)', '"SecretAccessKey":"wJalr/K7"', `"SecretAccessKey":"${R}"`],
    ['secret-assignment (PascalCase)', 'SessionToken=abc Expiration=2026', `SessionToken=${R} Expiration=2026`],
    ['secret-assignment (SECRET_KEY)', 'SECRET_KEY=abc DEBUG=0', `SECRET_KEY=${R} DEBUG=0`],
    ['secret-assignment (after a slash)', 'No command `/password=hunter2` here', `No command \`/password=${R}\` here`],
    ['secret-assignment (a flag)', 'psql --password=abc -h db', `psql --password=${R} -h db`],
    ['secret-assignment (a header)', 'X-Api-Key: abc123', `X-Api-Key: ${R}`],
    ['secret-assignment (docker auth)', '{"auth":"dXNlcjpwYXNz"}', `{"auth":"${R}"}`],
    ['secret-assignment (escaped quote)', '{"password":"a\\"b","u":1}', `{"password":"${R}","u":1}`],
    ['gitleaks slack-webhook-url', `POST ${webhook} 404`, `POST ${R} 404`],
    [
      'gitleaks npm-access-token',
      `//registry.npmjs.org/:_authToken=${['npm', 'aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5'].join('_')}`,
      `//registry.npmjs.org/:_authToken=${R}`,
    ],
    ['gitleaks gitlab-pat', `PRIVATE-TOKEN: ${['glpat', 'xK9mQ2vL8nR4tY6wZ1bC'].join('-')}`, `PRIVATE-TOKEN: ${R}`],
    [
      'gitleaks stripe-access-token',
      `charging with ${['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dc'].join('_')} now`,
      `charging with ${R} now`,
    ],
    ['several rules in one line', `token=${ghp} key AKIAIOSFODNN7EXAMPLE`, `token=${R} key ${R}`],
  ])('%s: %j', (_rule, input, output) => {
    expect(redact(input)).toBe(output);
  });

  it('every own rule is exercised above', () => {
    const table = readFileSync(import.meta.filename, 'utf8');
    expect(OWN_RULES.map((r) => r.name).filter((name) => !table.includes(`['${name}`))).toEqual([]);
  });
});

describe('redact: text that must stay untouched', () => {
  it.each<[string, string]>([
    ['ordinary words', 'deploy api to prod after the password reset meeting'],
    ['words that contain a keyword', 'mytoken=abc tokens: 5 password_hash=abc'],
    ['the word token without a value', 'the token expired, please rotate it'],
    ['an empty quoted value', 'password=""'],
    ['a short slack-like string', 'xoxb-123'],
    ['a short github-like string', 'ghp_abc123'],
    ['a short AKIA string', 'AKIA1234'],
    ['a lower-case AKIA lookalike', 'akiaiosfodnn7example'],
    ['a commit sha', 'deployed 3f786850e387550fdab836ed7e6dc881de23001b to prod'],
    ['a short sha', 'rollback to a1b2c3d'],
    ['a URL without credentials', 'https://github.com/acme/api/compare/v1.4.1...v1.4.2?diff=split'],
    ['an image reference', 'ghcr.io/acme/api:v1.4.2'],
    ['a public key', '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZI\n-----END PUBLIC KEY-----'],
    ['a certificate', '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----'],
    ['Bearer with a short value', 'Bearer abc'],
    ['eyJ without three parts', 'eyJhbGciOiJIUzI1NiJ9'],
    ['a log line', '2025-06-02T09:00:00Z INFO GET /healthz 200 1.2ms'],
    ['an empty string', ''],
    ['Basic without a credential', 'Basic authentication is disabled; basic settings loaded'],
    ['a URL with a port', 'https://host:8443/x@y'],
    ['a URL user name in a key position', 'https://x-access-token@github.com/acme/api'],
    ['a nested object under a secret-like key', '{"Credentials":{"Expiration":"2026"}}'],
    ['a sha256 digest alone on a line', '9b7c1f0e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c'],
    ['a long word alone on a line', 'AbstractSingletonProxyFactoryBeanConfigurationRegistryPostProcessor'],
    ['non-Latin text', 'Überweisung für Kunde 42 — ключ не найден 鍵'],
  ])('%s', (_name, input) => {
    expect(redact(input)).toBe(input);
  });
});

describe('redact: custom rules and redactDeep', () => {
  it('uses the rules it is given instead of the defaults', () => {
    const rules: RedactionRule[] = [{ name: 'ticket', pattern: /\bINC-\d+/g, replace: 'INC-?' }];
    expect(redact(`INC-42 password=hunter2`, rules)).toBe('INC-? password=hunter2');
  });

  it('redacts every string inside a JSON-like value and keeps the rest', () => {
    const details = {
      ref: 'v1',
      env: [`TOKEN=${ghp}`, 'PORT=80'],
      nested: { auth: 'Bearer abcdefghijkl', n: 3, ok: true, none: null },
    };
    expect(redactDeep(details)).toEqual({
      ref: 'v1',
      env: [`TOKEN=${R}`, 'PORT=80'],
      nested: { auth: `Bearer ${R}`, n: 3, ok: true, none: null },
    });
  });
});
