import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay to the real Redis that can be cut and restored on the same port, as an outage looks to a client,
 * or silenced, as a partition looks: connections stay open and nothing answers.
 */
export async function redisRelay() {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  // Silent: connections stay open but nothing gets through, as in a network partition.
  let silent = false;
  const up = async () => {
    server = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.on('data', (d: Buffer) => void (silent || upstream.write(d)));
      upstream.on('data', (d: Buffer) => void (silent || client.write(d)));
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  await up();
  return {
    url: () => `redis://127.0.0.1:${port}`,
    up,
    silence() {
      silent = true;
    },
    async down() {
      const closing = new Promise((resolve) => server?.close(resolve));
      for (const s of sockets) s.destroy();
      await closing;
    },
  };
}

/** A port nothing listens on: Redis "down" the way a stopped server or a wrong REDIS_URL looks. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
