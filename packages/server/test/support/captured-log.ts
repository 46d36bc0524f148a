import { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';
import { loggerOptions } from '../../src/hub/build-app.js';

/** The appliance's own logger options at `level`, writing into memory for a test to read. */
export function capturedLog(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = { ...(loggerOptions(level) as object), stream } as FastifyServerOptions['logger'];
  return {
    /** Pass as `createTestHub({ logger })` or `buildHubApp({ logger })`. */
    logger,
    lines,
    /** Everything logged so far, one JSON object per line. */
    text: () => lines.join(''),
    /** The parsed lines whose `msg` matches. */
    find: (msg: RegExp) =>
      lines
        .map((l) => JSON.parse(l) as { msg?: string; [k: string]: unknown })
        .filter((l) => msg.test(l.msg ?? '')),
  };
}
