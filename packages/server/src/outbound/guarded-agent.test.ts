import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy.js';
import { createGuardedAgent, ForbiddenAddressError } from './guarded-agent.js';

describe('the guarded agent (checks the address each connection goes to)', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a loopback address in the URL, and a name that resolves to one now (DNS rebinding)', async () => {
    const agent = createGuardedAgent(createAddressPolicy(undefined));
    try {
      const before = hits;
      await expect(request(`http://127.0.0.1:${port}/`, { dispatcher: agent })).rejects.toBeInstanceOf(
        ForbiddenAddressError,
      );
      // `localhost` passes any check made when it was registered with a resolver saying otherwise:
      // the connection itself resolves it and finds 127.0.0.1.
      await expect(request(`http://localhost:${port}/`, { dispatcher: agent })).rejects.toThrow(
        /localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
      );
      expect(hits).toBe(before);
    } finally {
      await agent.close();
    }
  });

  it('connects where the operator allows', async () => {
    const agent = createGuardedAgent(createAddressPolicy('127.0.0.1,::1'));
    try {
      const answer = await request(`http://localhost:${port}/`, { dispatcher: agent });
      expect(answer.statusCode).toBe(200);
      expect(await answer.body.text()).toBe('ok');
    } finally {
      await agent.close();
    }
  });
});
