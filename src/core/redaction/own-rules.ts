import { REDACTED, type RedactionRule } from './rule.ts';

/*
 * Shapes that gitleaks' rules do not cover, or cover only as a scanner needs: gitleaks reads whole
 * files in a repository, opsdeck reads logs one event at a time.
 */

const LABEL = '[ A-Z0-9_-]*PRIVATE KEY(?: BLOCK)?-----';
/** `-----BEGIN RSA PRIVATE KEY-----`, `-----BEGIN PGP PRIVATE KEY BLOCK-----` and the like. */
export const KEY_BEGIN = new RegExp(`-----BEGIN${LABEL}`, 'g');
export const KEY_END = new RegExp(`-----END${LABEL}`, 'g');

/**
 * A line that is only base64, as long as the full lines of a PEM (64), OpenSSH (70) or OpenPGP
 * (64 to 76) body. Random base64 that long always mixes cases and digits and leaves the hex
 * alphabet; a sha256 digest or a long word alone on a line does not.
 */
export function isKeyBodyLine(line: string): boolean {
  const body = line.trim();
  if (body.length < 60 || body.length > 76) return false;
  return /^[A-Za-z0-9+/]+$/.test(body) && [/[A-Z]/, /[a-z]/, /[0-9]/, /[g-zG-Z+/]/].every((p) => p.test(body));
}

// `auth`, `api_key`, `SecretAccessKey`: the last word of a key name that holds a secret.
const SECRET_WORD =
  'pass(?:word|wd|phrase)|pwd|secret|token|credentials?|auth|' +
  '(?:api|access|secret|private|signing|encryption|master|client|account)[_-]?key';

/** The secret word starts the key or a word of it: `DB_PASSWORD`, `SessionToken`, but not `mytoken`. */
function startsAWord(prefix: string, word: string): boolean {
  const before = prefix.at(-1);
  if (before === undefined || '_.-'.includes(before)) return true;
  return /[a-z0-9]/.test(before) && /[A-Z]/.test(word[0]!);
}

function isBasicCredential(value: string): boolean {
  try {
    return atob(value).includes(':');
  } catch {
    return false;
  }
}

export const OWN_RULES: readonly RedactionRule[] = [
  {
    // gitleaks' private-key rule needs the whole block and 64 characters of body in one text; a key
    // cut off, or printed one line per event (stdout through CloudWatch or the kubelet), must go too.
    name: 'private-key',
    pattern: new RegExp(String.raw`${KEY_BEGIN.source}[\s\S]*?(?:${KEY_END.source}|$)`, 'g'),
    keywords: ['private key'],
    replace: REDACTED,
  },
  {
    // A key body line that arrives alone, its BEGIN line in an earlier event or lost.
    name: 'key-body-line',
    pattern: /^[ \t]*[A-Za-z0-9+/]{60,76}[ \t]*$/gm,
    replace: (line: string) => (isKeyBodyLine(line) ? REDACTED : line),
  },
  {
    // gitleaks has no rule for a password in a URL (`postgres://user:pass@host`); the password may
    // hold an unescaped `@`, so it runs to the last `@` before the host.
    name: 'url-password',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#"'<>]*:)[^\s/?#"'<>]+(?=@)/gi,
    keywords: ['://'],
    replace: `$1${REDACTED}`,
  },
  {
    // opsdeck's own credentials. Slack says token lengths change; gitleaks' Slack rules fix lengths
    // (146 characters for `xoxe-`), so any `xox?-`/`xapp-` token of 8+ characters goes.
    name: 'slack-token',
    pattern: /\b(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]{8,}/g,
    keywords: ['xox', 'xapp-'],
    replace: REDACTED,
  },
  {
    // opsdeck's own credentials: GitHub fixes the prefix, not the length (gitleaks expects exactly 36
    // or 82 characters and would leave the rest of a longer token).
    name: 'github-token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    replace: REDACTED,
  },
  {
    // gitleaks matches these headers only inside a curl command line. A Basic credential is base64
    // of `user:password`, which tells it from "Basic authentication".
    name: 'bearer',
    pattern: /\b(Bearer|Basic)\s+([A-Za-z0-9._~+/=-]{8,})/gi,
    keywords: ['bearer', 'basic'],
    replace: (match: string, scheme: string, value: string) =>
      scheme.toLowerCase() === 'bearer' || isBasicCredential(value) ? `${scheme} ${REDACTED}` : match,
  },
  {
    // gitleaks' generic-api-key wants 10+ random characters and skips stop words; a password such as
    // `hunter2`, a quoted value with spaces, and camelCase keys (`"SessionToken":`) must go as well.
    name: 'secret-assignment',
    pattern: new RegExp(
      // Not right after `//`: `https://x-access-token:…@` is a URL's user name, for url-password.
      String.raw`(?<![A-Za-z0-9_.-])(?<!\/\/)([A-Za-z0-9_.-]*?)(${SECRET_WORD})(["']?\s*(?:=>|:=|[:=])\s*)` +
        // A quoted value whole; else up to a delimiter, but not a nested object (`"Credentials":{`).
        String.raw`(?:(["'])((?:(?!\4)[^\n\\]|\\.)+)\4|(["']?)(?![{[])[^\s"'\x60&,;]+)`,
      'gi',
    ),
    keywords: ['pass', 'pwd', 'secret', 'token', 'credential', 'auth', 'key'],
    replace: (
      match: string,
      prefix: string,
      word: string,
      separator: string,
      quote?: string,
      _value?: string,
      open?: string,
    ) => {
      if (!startsAWord(prefix, word)) return match;
      return `${prefix}${word}${separator}${quote ?? open ?? ''}${REDACTED}${quote ?? ''}`;
    },
  },
];
