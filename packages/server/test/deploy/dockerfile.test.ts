import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validate } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../support/test-hub.js';
import { dockerfileInstructions, readRepoFile } from './deploy-files.js';

// No Docker engine runs where these tests run: the image is checked by a Dockerfile linter, by its
// structure, and by running its health check's command against a real hub.
const text = readRepoFile('docker', 'Dockerfile');
const instructions = dockerfileInstructions(text);
const stages = instructions.reduce<{ from: string; body: typeof instructions }[]>((list, instruction) => {
  if (instruction.keyword === 'FROM') list.push({ from: instruction.args, body: [] });
  else list.at(-1)?.body.push(instruction);
  return list;
}, []);
const runtime = stages.at(-1)!;
const healthcheck = runtime.body.find((i) => i.keyword === 'HEALTHCHECK')!;
const healthcheckArgv = JSON.parse(healthcheck.args.slice(healthcheck.args.indexOf('CMD') + 3)) as string[];

/** Runs the image's HEALTHCHECK command as Docker would (exec form), with PORT set; resolves its exit code. */
function runHealthcheck(port: number): Promise<number | null> {
  const [command = '', ...args] = healthcheckArgv;
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe('docker/Dockerfile', () => {
  it('passes the Dockerfile linter (dockerfile-utils)', () => {
    expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('builds and runs on Node.js 26, the active LTS line, in both stages', () => {
    const arg = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    expect(arg?.args).toMatch(/^NODE_IMAGE=node:26-[a-z]+-slim$/);
    expect(stages.map((s) => s.from.split(/\s+/)[0])).toEqual([`\${NODE_IMAGE}`, `\${NODE_IMAGE}`]);
  });

  it('fetches the dependencies from the lockfile alone, in a layer before the sources', () => {
    const build = stages[0]!.body;
    const lockfileCopy = build.findIndex(
      (i) => i.keyword === 'COPY' && i.args === 'pnpm-lock.yaml pnpm-workspace.yaml ./',
    );
    const fetch = build.findIndex((i) => i.keyword === 'RUN' && i.args === 'pnpm fetch');
    const sources = build.findIndex((i) => i.keyword === 'COPY' && i.args === '. .');
    expect(lockfileCopy).toBeGreaterThan(-1);
    expect(fetch).toBe(lockfileCopy + 1);
    expect(sources).toBeGreaterThan(fetch);
    expect(build[sources + 1]?.args).toMatch(/^pnpm install --offline --frozen-lockfile/);
  });

  it('runs as a numeric non-root user, with only /data its own, and no build tools in the image', () => {
    const user = runtime.body.filter((i) => i.keyword === 'USER');
    expect(user.map((i) => i.args)).toEqual(['1000:1000']);
    const afterUser = runtime.body.slice(runtime.body.indexOf(user[0]!));
    expect(afterUser.filter((i) => i.keyword === 'RUN' || i.keyword === 'COPY')).toEqual([]);
    const runs = runtime.body.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.join(' ')).not.toMatch(/apt-get|g\+\+|python3|pnpm/);
    expect(runs.join(' ')).toMatch(/chown 1000:1000 \/data/);
    for (const copy of runtime.body.filter((i) => i.keyword === 'COPY')) {
      expect(copy.args).toMatch(/^--from=build \/app\//);
      expect(copy.args).not.toMatch(/--chown/);
    }
    expect(runtime.body.find((i) => i.keyword === 'VOLUME')?.args).toBe('["/data"]');
    expect(runtime.body.find((i) => i.keyword === 'CMD')?.args).toBe('["node", "dist/cli/main.js", "serve"]');
  });

  it('health-checks without starting a Node.js process', () => {
    expect(healthcheck.args).toMatch(/^--interval=10s --timeout=3s /);
    expect(healthcheckArgv[0]).toBe('bash');
    expect(healthcheckArgv.join(' ')).not.toMatch(/\bnode\b|curl|wget/);
  });

  describe('the health check command', () => {
    let hub: TestHub & { url: string };
    let failing: Server;
    beforeAll(async () => {
      hub = await createTestHub({ listen: true });
      failing = createServer((_request, response) => response.writeHead(503).end('{"status":"unavailable"}'));
      await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await hub.close();
      await new Promise((resolve) => failing.close(resolve));
    });

    it('passes against a ready hub', async () => {
      expect(await runHealthcheck(portOf(hub.url))).toBe(0);
    });

    it('fails when /readyz answers 503, and when nothing listens', async () => {
      expect(await runHealthcheck((failing.address() as AddressInfo).port)).not.toBe(0);
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      expect(await runHealthcheck(port)).not.toBe(0);
    });
  });
});
