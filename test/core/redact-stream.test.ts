import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED as R } from '../../src/core/redact.ts';

const redactor = createRedactor();
const begin = (label: string) => ['-----BEGIN', `${label}-----`].join(' ');
const end = (label: string) => ['-----END', `${label}-----`].join(' ');
// A body as PEM prints it: base64 of fixed bytes, two full lines of 64 characters and a shorter last one.
const body = Buffer.from(Array.from({ length: 130 }, (_, i) => (i * 73 + 41) % 256))
  .toString('base64')
  .match(/.{1,64}/g)!;

function run(events: string[]): string[] {
  const line = redactor.stream();
  return events.map(line);
}

describe('stream(): a private key one line per event', () => {
  it.each<[name: string, events: string[], output: string[]]>([
    [
      'a whole key, with lines around it',
      ['start', begin('RSA PRIVATE KEY'), ...body, end('RSA PRIVATE KEY'), 'done'],
      ['start', R, R, R, R, R, 'done'],
    ],
    [
      'an OpenPGP block: headers, blank line, checksum',
      [
        begin('PGP PRIVATE KEY BLOCK'),
        'Version: GnuPG v2',
        '',
        body[0]!,
        '=Ab1c',
        end('PGP PRIVATE KEY BLOCK'),
        'imported',
      ],
      [R, R, R, R, R, R, 'imported'],
    ],
    [
      'indented (a YAML value) and with CRLF',
      [
        `  key: |`,
        `    ${begin('EC PRIVATE KEY')}\r`,
        `    ${body[2]!}\r`,
        `    ${end('EC PRIVATE KEY')}\r`,
        '  port: 8443',
      ],
      ['  key: |', `    ${R}`, R, R, '  port: 8443'],
    ],
    [
      'text after the END line is still redacted like any other',
      [begin('PRIVATE KEY'), body[0]!, `${end('PRIVATE KEY')} loaded, password=hunter2`],
      [R, R, `${R} loaded, password=${R}`],
    ],
    [
      'a key cut off: the first line that is not key material ends it',
      [begin('PRIVATE KEY'), body[0]!, 'GET /healthz 200 1ms', 'short'],
      [R, R, 'GET /healthz 200 1ms', 'short'],
    ],
    [
      'BEGIN and END in one event open nothing',
      [`${begin('PRIVATE KEY')}\n${body[0]!}\n${end('PRIVATE KEY')}`, 'short'],
      [R, 'short'],
    ],
    [
      'without the BEGIN line: full body lines, then the short last line and END',
      [body[0]!, body[1]!, body[2]!, end('RSA PRIVATE KEY'), 'short'],
      [R, R, R, R, 'short'],
    ],
    [
      'without the BEGIN line, a short line after a full one goes as the last body line',
      [body[0]!, body[2]!, 'ready'],
      [R, R, 'ready'],
    ],
    [
      'public keys and certificates stay',
      [
        begin('PUBLIC KEY'),
        'MFkwEwYHKoZIzj0CAQYIKoZI',
        end('PUBLIC KEY'),
        begin('CERTIFICATE'),
        'MIIBszCCAVmgAwIBAgIU',
        end('CERTIFICATE'),
      ],
      [
        begin('PUBLIC KEY'),
        'MFkwEwYHKoZIzj0CAQYIKoZI',
        end('PUBLIC KEY'),
        begin('CERTIFICATE'),
        'MIIBszCCAVmgAwIBAgIU',
        end('CERTIFICATE'),
      ],
    ],
  ])('%s', (_name, events, output) => {
    expect(run(events)).toEqual(output);
  });

  it('gives up on a block that never ends after 400 lines', () => {
    const out = run([begin('PRIVATE KEY'), ...Array.from({ length: 401 }, () => 'QUJD'), 'QUJD']);
    expect(out.slice(0, 401).every((l) => l === R)).toBe(true);
    expect(out.slice(401)).toEqual(['QUJD', 'QUJD']);
  });

  it('keeps one state per source: another source in between is not swallowed', () => {
    const a = redactor.stream();
    const b = redactor.stream();
    expect([a(begin('PRIVATE KEY')), b('QUJD'), a('QUJD'), b('ok'), a(end('PRIVATE KEY')), a('QUJD')]).toEqual([
      R,
      'QUJD',
      R,
      'ok',
      R,
      'QUJD',
    ]);
  });

  it('text() alone removes the body lines it can recognise', () => {
    expect([begin('RSA PRIVATE KEY'), ...body].map((l) => redactor.text(l))).toEqual([R, R, R, body[2]!]);
  });
});

describe('extra rules', () => {
  it('run after the built-in ones, in text, deep and stream', () => {
    const custom = createRedactor([{ name: 'ticket', pattern: /\bINC-\d+/g, replace: 'INC-?' }]);
    expect(custom.text('INC-42 password=hunter2')).toBe(`INC-? password=${R}`);
    expect(custom.deep({ a: ['INC-7'] })).toEqual({ a: ['INC-?'] });
    expect(custom.stream()('INC-9')).toBe('INC-?');
    expect(createRedactor().text('INC-42')).toBe('INC-42');
  });
});
