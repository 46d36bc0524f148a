import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What every fake returns: where it listens and how to stop it. */
export interface FakeServerHandle {
  /** Origin without a trailing slash, e.g. `http://127.0.0.1:53021`. */
  url: string;
  port: number;
  /** Stops listening and destroys open connections (streams in flight included). */
  close(): Promise<void>;
}

/** A request handler; a thrown error becomes a bare 500 so a fake's bug never hangs a test. */
export type FakeRequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ListeningFakeServer extends FakeServerHandle {
  server: Server;
  /** True once `close()` has begun: connections dropped from then on are not client aborts. */
  readonly closing: boolean;
}

/**
 * Starts a plain `node:http` server on 127.0.0.1 and an ephemeral port. Plain `node:http` keeps
 * the fakes cheap enough to sit behind benchmarks at thousands of requests per second.
 */
export async function listenFakeServer(handler: FakeRequestHandler): Promise<ListeningFakeServer> {
  let closing = false;
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake server error: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    get closing() {
      return closing;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
