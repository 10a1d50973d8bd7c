/**
 * Secret shapes that reach opsdeck's output: log lines, backend errors, driver progress, audit
 * details. Every value is fake and built from pieces, so that secret scanners do not flag this
 * file, yet each has the length and alphabet of the real thing, so rule sets that check shape
 * get a fair test. Tests on each output path reuse these samples.
 */
export interface SecretSample {
  /** What leaks, as a test name. */
  name: string;
  /** Events in the order a source emits them; a key printed line by line arrives as one event per line. */
  events: readonly string[];
  /** Substrings that must be gone from the output. */
  secrets: readonly string[];
  /** Substrings that must still be there, so over-redaction fails too. */
  keep: readonly string[];
}

// A small LCG: the same fake secrets on every run, no Math.random.
function seeded(seed: number): (n: number) => number[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
  return (n) => Array.from({ length: n }, next);
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function chars(seed: number, n: number, alphabet = ALNUM): string {
  return seeded(seed)(n)
    .map((b) => alphabet[b % alphabet.length])
    .join('');
}
function base64(seed: number, bytes: number, prefix: number[] = []): string {
  return Buffer.from([...prefix, ...seeded(seed)(bytes)]).toString('base64');
}
/** Base64 body cut into 64-character lines, as PEM and OpenPGP armor print it. */
function armorLines(body: string): string[] {
  return body.match(/.{1,64}/g) ?? [];
}

const awsKeyId = ['AKIA', chars(1, 16, UPPER_B32)].join('');
const awsTempKeyId = ['ASIA', chars(2, 16, UPPER_B32)].join('');
const awsSecret = base64(3, 30);
const awsSessionToken = ['IQoJb3JpZ2luX2VjE', base64(4, 240)].join('');
const slackBot = ['xoxb', '7712345678901', '7712345678902', chars(5, 24)].join('-');
const slackUser = ['xoxp', '7712345678901', '7712345678903', '7712345678904', chars(6, 32)].join('-');
const slackRefresh = ['xoxe', '1', chars(7, 146)].join('-');
const slackConfigAccess = ['xoxe.xoxp', '1', chars(8, 164)].join('-');
const webhookPath = ['T04ABCD1234', 'B05EFGH5678', chars(9, 24)].join('/');
const ghp = ['ghp', chars(10, 36)].join('_');
const ghPat = ['github', 'pat', `${chars(11, 22)}_${chars(12, 59)}`].join('_');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const jwt = [
  b64url('{"alg":"RS256","typ":"JWT"}'),
  b64url('{"sub":"U0ALICE","iat":1764460800}'),
  base64(13, 64).replace(/[+/=]/g, 'x'),
].join('.');
const bearer = chars(14, 40);
const rsaBody = armorLines(base64(15, 1190, [0x30, 0x82, 0x04, 0xa2]));
const pgpBody = armorLines(base64(16, 1400, [0x95, 0x05, 0xc6]));
const pgpChecksum = `=${chars(17, 4)}`;
const begin = (label: string) => ['-----BEGIN', `${label}-----`].join(' ');
const end = (label: string) => ['-----END', `${label}-----`].join(' ');

export const SECRET_SAMPLES: readonly SecretSample[] = [
  {
    name: 'password in a postgres URL',
    events: ['connecting to postgres://orders:Xk9-pL2_wq@db.internal:5432/orders?sslmode=require'],
    secrets: ['Xk9-pL2_wq'],
    keep: ['connecting to postgres://orders:', '@db.internal:5432/orders?sslmode=require'],
  },
  {
    name: 'password in a registry URL',
    events: ['npm ERR! 404 Not Found - GET https://deploy:r3gistryPw@registry.example.com/@acme%2fapi'],
    secrets: ['r3gistryPw'],
    keep: ['npm ERR! 404 Not Found - GET https://deploy:', '@registry.example.com/@acme%2fapi'],
  },
  {
    name: 'password in a redis URL without a user',
    events: ['{"level":"error","msg":"redis connection lost","url":"redis://:c4chePass@cache:6379/0"}'],
    secrets: ['c4chePass'],
    keep: ['"msg":"redis connection lost"', '@cache:6379/0"}'],
  },
  {
    name: 'password in a DATABASE_URL',
    events: ['DATABASE_URL=mysql://root:Root%40pw1@mysql.prod:3306/app DEBUG=false'],
    secrets: ['Root%40pw1'],
    keep: ['@mysql.prod:3306/app DEBUG=false'],
  },
  {
    name: 'private key printed one line per event',
    events: [
      'loading TLS key from env',
      begin('RSA PRIVATE KEY'),
      ...rsaBody,
      end('RSA PRIVATE KEY'),
      'listening on :8443',
    ],
    secrets: rsaBody,
    keep: ['loading TLS key from env', 'listening on :8443'],
  },
  {
    name: 'private key inside one event',
    events: [
      `config dump: tls.key=${[begin('PRIVATE KEY'), ...rsaBody.slice(0, 3), end('PRIVATE KEY')].join('\n')} port=8443`,
    ],
    secrets: rsaBody.slice(0, 3),
    keep: ['config dump: tls.key=', ' port=8443'],
  },
  {
    name: 'private key inside a JSON string',
    events: [
      JSON.stringify({
        level: 'debug',
        msg: 'secret loaded',
        value: [begin('EC PRIVATE KEY'), ...rsaBody.slice(0, 2), end('EC PRIVATE KEY'), ''].join('\n'),
      }),
    ],
    secrets: rsaBody.slice(0, 2),
    keep: ['"msg":"secret loaded"'],
  },
  {
    name: 'PGP private key block one line per event',
    events: [
      'importing signing key',
      begin('PGP PRIVATE KEY BLOCK'),
      'Comment: release signing',
      '',
      ...pgpBody,
      pgpChecksum,
      end('PGP PRIVATE KEY BLOCK'),
      'gpg: key imported',
    ],
    secrets: [...pgpBody, pgpChecksum],
    keep: ['importing signing key', 'gpg: key imported'],
  },
  {
    name: 'AWS credentials as JSON with PascalCase keys',
    events: [
      `{"Credentials":{"AccessKeyId":"${awsTempKeyId}","SecretAccessKey":"${awsSecret}",` +
        `"SessionToken":"${awsSessionToken}","Expiration":"2026-11-30T05:00:00Z"}}`,
    ],
    secrets: [awsTempKeyId, awsSecret, awsSessionToken],
    keep: ['{"Credentials":{"AccessKeyId":"', '"Expiration":"2026-11-30T05:00:00Z"}}'],
  },
  {
    name: 'camelCase session token in JSON',
    events: [`{"level":"debug","msg":"assumed role","sessionToken": "${awsSessionToken}", "region": "eu-central-1"}`],
    secrets: [awsSessionToken],
    keep: ['"msg":"assumed role"', '"region": "eu-central-1"}'],
  },
  {
    name: 'session token as key=value',
    events: [`sts ok AccessKeyId=${awsTempKeyId} SessionToken=${awsSessionToken} Expiration=2026-11-30T05:00:00Z`],
    secrets: [awsTempKeyId, awsSessionToken],
    keep: ['sts ok AccessKeyId=', 'Expiration=2026-11-30T05:00:00Z'],
  },
  {
    name: 'SECRET_KEY in an environment dump',
    events: ['env: DEBUG=false SECRET_KEY=dj4ngo-k3y-9f8e7d ALLOWED_HOSTS=api.example.com'],
    secrets: ['dj4ngo-k3y-9f8e7d'],
    keep: ['env: DEBUG=false SECRET_KEY=', 'ALLOWED_HOSTS=api.example.com'],
  },
  {
    name: 'AWS secret access key in an ini file',
    events: [`aws_secret_access_key = ${awsSecret}`],
    secrets: [awsSecret],
    keep: ['aws_secret_access_key = '],
  },
  {
    name: 'Slack incoming webhook URL',
    events: [`posting alert to https://hooks.slack.com/services/${webhookPath} failed: 404 no_service`],
    secrets: [webhookPath.split('/')[2]!],
    keep: ['posting alert to ', ' failed: 404 no_service'],
  },
  {
    name: 'Slack refresh token',
    events: [`token rotation: refresh_token ${slackRefresh} expires in 43200s`],
    secrets: [slackRefresh.slice(5)],
    keep: ['token rotation: refresh_token', 'expires in 43200s'],
  },
  {
    name: 'Slack configuration access token',
    events: [`manifest update with ${slackConfigAccess} ok`],
    secrets: [slackConfigAccess.slice(10)],
    keep: ['manifest update with', ' ok'],
  },
  {
    name: 'AWS access key id',
    events: [`INFO loaded credentials aws_access_key_id=${awsKeyId} region=us-east-1`],
    secrets: [awsKeyId],
    keep: ['INFO loaded credentials aws_access_key_id=', 'region=us-east-1'],
  },
  {
    name: 'AWS temporary access key id',
    events: [`assumed role with ${awsTempKeyId} for deploy`],
    secrets: [awsTempKeyId],
    keep: ['assumed role with', 'for deploy'],
  },
  {
    name: 'Slack bot token',
    events: [`slack client init ${slackBot} (team T04ABCD1234)`],
    secrets: [slackBot.slice(5)],
    keep: ['slack client init', '(team T04ABCD1234)'],
  },
  {
    name: 'Slack user token',
    events: [`using user token ${slackUser}`],
    secrets: [slackUser.slice(5)],
    keep: ['using user token'],
  },
  {
    name: 'GitHub personal access token',
    events: [`git clone https://x-access-token:${ghp}@github.com/acme/api.git`],
    secrets: [ghp],
    keep: ['git clone https://x-access-token:', '@github.com/acme/api.git'],
  },
  {
    name: 'GitHub fine-grained token',
    events: [`GITHUB_TOKEN is ${ghPat}, scopes: contents:read`],
    secrets: [ghPat],
    keep: ['GITHUB_TOKEN is', 'scopes: contents:read'],
  },
  {
    name: 'JWT in a cookie',
    events: [`Set-Cookie: session=${jwt}; Path=/; HttpOnly`],
    secrets: [jwt.split('.')[1]!, jwt.split('.')[2]!],
    keep: ['Set-Cookie: session=', '; Path=/; HttpOnly'],
  },
  {
    name: 'bearer token in a header dump',
    events: [`DEBUG upstream headers: Authorization: Bearer ${bearer} X-Request-Id: 7f3c2a1e`],
    secrets: [bearer],
    keep: ['DEBUG upstream headers: Authorization: Bearer', 'X-Request-Id: 7f3c2a1e'],
  },
  {
    name: 'password=',
    events: ['WARN retrying database login user=orders password=hunt3r2-prod attempt=3'],
    secrets: ['hunt3r2-prod'],
    keep: ['WARN retrying database login user=orders password=', 'attempt=3'],
  },
  {
    name: 'quoted password with spaces',
    events: ['{"user": "bob", "password": "correct horse battery staple"}'],
    secrets: ['correct horse battery staple'],
    keep: ['{"user": "bob", "password": "'],
  },
];

/** The sample as one text, the way a message, an error or an audit detail carries it. */
export function sampleText(sample: SecretSample): string {
  return sample.events.join('\n');
}

/** What is wrong with `output` for `sample`: secrets still in it, and text around them that went. */
export function redactionFaults(sample: SecretSample, output: string): { leaked: string[]; lost: string[] } {
  return {
    leaked: sample.secrets.filter((s) => output.includes(s)),
    lost: sample.keep.filter((k) => !output.includes(k)),
  };
}

/** Ordinary output that must come through untouched. */
export const CLEAN_LINES: readonly string[] = [
  '2026-11-30T03:00:00.123Z INFO GET /v1/orders 200 12ms request_id=0000002a-3f1c-4b2e-a9d8-1c2b3a4d5e6f',
  '{"level":"info","msg":"order created","status":201,"method":"POST","path":"/v1/orders","duration_ms":14}',
  'password reset email sent to user 4711',
  'the token expired, please rotate it',
  'deployed 3f786850e387550fdab836ed7e6dc881de23001b to prod (a1b2c3d)',
  'pulled ghcr.io/acme/api:v1.2.0',
  'pulled ghcr.io/acme/api@sha256:9b7c1f0e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c',
  '9b7c1f0e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c',
  'pod api-7d9f8b6c5-x2x4q in namespace prod is Running',
  'Normal Pulled 12s kubelet Successfully pulled image "ghcr.io/acme/api:v1.2.0" in 1.2s',
  'trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7',
  'request c0ffee00-1234-4abc-8def-0123456789ab took 1.2s',
  'GET https://github.com/acme/api/compare/v1.4.1...v1.4.2?diff=split 200',
  'connecting to postgres://db.internal:5432/orders',
  'cloning git@github.com:acme/api.git as deploy@example.com',
  'mytoken=abc tokens: 5 password_hash=abc "tokenCount": 3',
  'Bearer abc is too short to be a token',
  'eyJhbGciOiJIUzI1NiJ9 is only a JWT header',
  "ERROR TypeError: Cannot read properties of undefined (reading 'sku')",
  '    at PaymentClient.charge (/app/dist/services.js:142:17)',
  'Scaled api in prod from 3 to 5 replicas',
  'key=orders/2026/11/30/part-0001.parquet size=12MB',
  'AKIA1234 is not a key id',
  '',
];
