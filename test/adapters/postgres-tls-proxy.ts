import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SSL_REQUEST = 80877103;

/** A CA and server certificates made for one test run with openssl; nothing is kept or committed. */
export async function makeCertificates(
  dir: string,
): Promise<{ ca: string; otherCa: string; path: (n: string) => string }> {
  const path = (name: string) => join(dir, name);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other-ca']) {
    await run(
      'openssl',
      ['req', '-x509', ...key, '-keyout', path(`${ca}.key`), '-out', path(`${ca}.pem`)].concat([
        '-days',
        '2',
        '-subj',
        `/CN=opsdeck test ${ca}`,
      ]),
    );
  }
  for (const [name, san] of [
    ['server', 'IP:127.0.0.1,DNS:localhost'],
    ['elsewhere', 'DNS:db.elsewhere.test'],
  ]) {
    await writeFile(path(`${name}.ext`), `subjectAltName=${san}\n`);
    await run('openssl', [
      'req',
      ...key,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
      '-subj',
      `/CN=${name}`,
    ]);
    await run(
      'openssl',
      ['x509', '-req', '-in', path(`${name}.csr`), '-CA', path('ca.pem'), '-CAkey', path('ca.key')].concat([
        '-CAcreateserial',
        '-days',
        '2',
        '-out',
        path(`${name}.pem`),
        '-extfile',
        path(`${name}.ext`),
      ]),
    );
  }
  return { ca: path('ca.pem'), otherCa: path('other-ca.pem'), path };
}

export interface TlsProxy {
  port: number;
  /** Connections that asked for TLS, and those that spoke plain text. */
  seen: { tls: number; plain: number };
  close(): Promise<void>;
}

/**
 * PostgreSQL's TLS as a server offers it (answer `S` to SSLRequest, then a TLS handshake), in front of the
 * real server, which has TLS off: what a client sees of a managed PostgreSQL, with a certificate we choose.
 */
export async function startTlsProxy(upstream: { host: string; port: number }, cert: { key: string; cert: string }) {
  const key = await readFile(cert.key);
  const pem = await readFile(cert.cert);
  const seen = { tls: 0, plain: 0 };
  const server: Server = createServer((socket) => {
    socket.once('data', (first) => {
      const toServer = connect(upstream.port, upstream.host);
      toServer.on('error', () => socket.destroy());
      socket.on('error', () => toServer.destroy());
      if (first.length === 8 && first.readInt32BE(4) === SSL_REQUEST) {
        seen.tls++;
        socket.write('S');
        const secure = new TLSSocket(socket, { isServer: true, key, cert: pem });
        secure.on('error', () => toServer.destroy());
        secure.pipe(toServer).pipe(secure);
      } else {
        seen.plain++;
        toServer.write(first);
        socket.pipe(toServer).pipe(socket);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  } satisfies TlsProxy;
}
