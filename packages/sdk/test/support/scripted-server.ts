import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the scripted server answers to one request; `hang` never answers, `drop` resets the socket. */
export type ScriptedAnswer =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { sse: string[]; headers?: Record<string, string>; keepOpen?: boolean }
  | 'hang'
  | 'drop';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A fake of the network, not of the hub: a real HTTP server on 127.0.0.1 that answers each
 * request with the next scripted answer (the last one repeats) and records what it received.
 */
export async function startScriptedServer(script: ScriptedAnswer[]) {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  /** Streams the client closed before the server ended them. */
  const aborted = { count: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = script[Math.min(requests.length - 1, script.length - 1)]!;
      if (answer === 'hang') return void hanging.add(res);
      if (answer === 'drop') return void req.socket.destroy();
      if ('sse' in answer) {
        res.writeHead(200, { 'content-type': 'text/event-stream', ...answer.headers });
        for (const event of answer.sse) res.write(event);
        if (!answer.keepOpen) return void res.end();
        hanging.add(res);
        return void res.on('close', () => {
          if (!res.writableFinished) aborted.count++;
        });
      }
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    aborted,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
