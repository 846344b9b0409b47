import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy in front of a PostgreSQL server that a test can freeze, like a server that stopped answering. */
export interface TcpProxy {
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /** From now on, bytes from either side are held back: connections stay open and nothing is answered. */
  freeze(): void;
  /** Delivers what was held back and forwards again. */
  thaw(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  let frozen = false;
  const pipes = new Set<{ client: Socket; server: Socket; held: Array<() => void> }>();

  const proxy = createServer((client) => {
    const server = connect(Number(port), hostname);
    const pipe = { client, server, held: [] as Array<() => void> };
    pipes.add(pipe);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (frozen) pipe.held.push(() => to.write(chunk));
        else to.write(chunk);
      });
    forward(client, server);
    forward(server, client);
    const end = () => {
      pipes.delete(pipe);
      client.destroy();
      server.destroy();
    };
    for (const socket of [client, server]) socket.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyPort = (proxy.address() as { port: number }).port;

  return {
    urlFor(url) {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxyPort);
      return proxied.toString();
    },
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const pipe of pipes) pipe.held.splice(0).forEach((deliver) => deliver());
    },
    async close() {
      for (const { client, server } of pipes) {
        client.destroy();
        server.destroy();
      }
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
