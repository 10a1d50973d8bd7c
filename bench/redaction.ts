import { createRedactor, DEFAULT_RULES, REDACTED, type RedactionRule } from '../src/core/redact.ts';
import { defaultMessage } from '../src/sandbox/cloudwatch/log-lines.ts';
import { seededRandom } from '../src/sandbox/cloudwatch/random.ts';
import { SECRET_SAMPLES } from '../test/helpers/secret-corpus.ts';
import { percentile, ratio } from './stats.ts';

// The rules before gitleaks' set and the corpus, kept here as the baseline.
const OLD_RULES: readonly RedactionRule[] = [
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, replace: REDACTED },
  { name: 'slack-app-token', pattern: /\bxapp-[A-Za-z0-9-]{8,}/g, replace: REDACTED },
  {
    name: 'github-token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
    replace: REDACTED,
  },
  { name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: REDACTED },
  {
    name: 'private-key',
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    replace: REDACTED,
  },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, replace: REDACTED },
  { name: 'bearer', pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replace: `$1 ${REDACTED}` },
  {
    name: 'secret-assignment',
    pattern: new RegExp(
      '(?<![A-Za-z0-9])((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)' +
        String.raw`["']?\s*[:=]\s*)(?:(["'])(?:(?!\2)[^\n])+\2|(["']?)[^\s"'&,;]+)`,
      'gi',
    ),
    replace: `$1$2$3${REDACTED}$2`,
  },
];
const oldRedact = (text: string) => OLD_RULES.reduce((out, r) => out.replace(r.pattern, r.replace as string), text);

const FOLLOW_RATE = 2000;

/**
 * What a follow reads: the sandbox's generated service output (access lines, JSON lines, errors
 * with stack traces, 1% fake credentials), and an event of the secret corpus after every 50.
 * The same lines, in the same order, for every redactor.
 */
function logMix(n: number): { lines: string[]; withSecret: number } {
  const random = seededRandom(9);
  const corpus = SECRET_SAMPLES.flatMap((s) => s.events);
  const lines: string[] = [];
  let withSecret = 0;
  for (let index = 0; lines.length < n; index++) {
    if (index % 50 === 0) {
      lines.push(corpus[(index / 50) % corpus.length]!);
      withSecret++;
    }
    const secret = random() < 0.01;
    withSecret += secret ? 1 : 0;
    const error = random() < 0.05;
    const ctx = { group: '/bench', stream: 's1', index, timestamp: 1_764_460_800_000 + index, error, secret, random };
    lines.push(...defaultMessage(ctx).split('\n'));
  }
  return { lines: lines.slice(0, n), withSecret };
}

type Make = () => (line: string) => string;

/** Lines per second of each redactor over `lines`, the median of `rounds`; they take turns in each round. */
function throughput(rounds: number, lines: readonly string[], runs: Record<string, Make>): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, make] of Object.entries(runs)) {
      const redact = make();
      const t = performance.now();
      for (const line of lines) redact(line);
      samples[name]!.push(lines.length / ((performance.now() - t) / 1000));
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, percentile(v, 50)]));
}

/** Redaction throughput of the one redactor against the old rules and the rate a follow must sustain. */
export function redaction(n = 20_000, rounds = 7): string[] {
  const { lines, withSecret } = logMix(n);
  const redactor = createRedactor();
  const runs = { old: () => oldRedact, text: () => redactor.text, stream: () => redactor.stream() };
  throughput(1, lines, runs);
  const rate = throughput(rounds, lines, runs);
  // A sample leaks when any of its secrets is left; each sample is a source of its own.
  const leaked = (make: Make) =>
    SECRET_SAMPLES.filter((s) => {
      const out = s.events.map(make()).join('\n');
      return s.secrets.some((secret) => out.includes(secret));
    }).length;
  const count = (x: number) => Math.round(x).toLocaleString('en');
  const row = (label: string, r: number, make: Make) =>
    `  ${label.padEnd(36)}${count(r).padStart(10)} lines/s   leaked ${leaked(make)}/${SECRET_SAMPLES.length}`;
  const { old, text, stream } = rate as { old: number; text: number; stream: number };
  const times = (r: number) => `${(r / FOLLOW_RATE).toFixed(0)}x`;
  const share = `${((withSecret / n) * 100).toFixed(1)}%`;
  return [
    `redaction: ${count(n)} log lines, ${share} with a secret, median of ${rounds} rounds, one core`,
    `  ("leaked": corpus samples with a secret left when fed one event at a time, ${SECRET_SAMPLES.length} samples)`,
    row(`old rules (${OLD_RULES.length} regexes)`, old, runs.old),
    row(`text() (${DEFAULT_RULES.length} rules)`, text, runs.text),
    row('stream() (per source, key-aware)', stream, runs.stream),
    `  vs the ${count(FOLLOW_RATE)} events/s a follow must sustain: text() ${times(text)}, stream() ${times(stream)}` +
      '  (target >= 10x)',
    `  vs the old rules in the same run: text() ${ratio(text, old)}, stream() ${ratio(stream, old)}`,
  ];
}
