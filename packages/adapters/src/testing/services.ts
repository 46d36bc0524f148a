/**
 * Where the real PostgreSQL and Redis servers for tests are, and whether a suite may skip.
 *
 * A suite skips only when its server is unreachable *and* `CI` is unset; in CI an unreachable
 * server fails the run (`.ci/run` starts both before testing).
 */
import net from 'node:net';

export const postgresUrlForTests =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrlForTests =
  process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when a TCP connection to the URL's host and port opens within a second. */
export function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Resolves true when the suite should run. Throws in CI when the server is down, so a missing
 * service can never turn into a silently skipped suite.
 */
export async function serviceAvailable(name: 'PostgreSQL' | 'Redis', url: string): Promise<boolean> {
  const ok = await reachable(url);
  if (!ok && process.env.CI)
    throw new Error(`${name} at ${url} is unreachable, and CI requires its suite to run`);
  return ok;
}

export const postgresAvailable = () => serviceAvailable('PostgreSQL', postgresUrlForTests);
export const redisAvailable = () => serviceAvailable('Redis', redisUrlForTests);
