import { startBenchHub } from './bench-hub.js';

/**
 * How long one login takes while N sign-ups arrive at once (default 24), with the production
 * password hashing cost (scrypt at OWASP's parameters). Each sign-up comes from an address of its
 * own (`X-Forwarded-For` behind `TRUST_PROXY=true`), so what is measured is the hashing, not the
 * per-source sign-up throttle. Run: `pnpm --filter @smart-ai-hub/server exec tsx --conditions=source bench/signup-storm.ts [N]`.
 */
const signups = Number(process.argv[2] ?? 24);
const hub = await startBenchHub({ TRUST_PROXY: 'true' });
const url = await hub.app.listen({ port: 0, host: '127.0.0.1' });

const post = (path: string, body: unknown, from: string) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify(body),
  });

async function timedLogin(from: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await post(
    '/api/v1/auth/login',
    { email: 'bench@bench.test', password: 'bench-password-123' },
    from,
  );
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

try {
  const alone = await timedLogin('198.51.100.1');
  const storm = Array.from({ length: signups }, (_, i) =>
    post(
      '/api/v1/auth/register',
      { email: `storm-${i}@bench.test`, password: `storm passphrase number ${i} of many` },
      `203.0.113.${i + 1}`,
    ).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    }),
  );
  // The login starts once every sign-up is on the wire.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const during = await timedLogin('198.51.100.2');
  const stormStarted = performance.now();
  const statuses = await Promise.all(storm);
  const stormMs = performance.now() - stormStarted + during.ms;
  const counts = statuses.reduce<Record<number, number>>((acc, s) => {
    acc[s] = (acc[s] ?? 0) + 1;
    return acc;
  }, {});
  console.log(
    JSON.stringify({
      signups,
      loginAloneMs: Math.round(alone.ms),
      loginDuringStormMs: Math.round(during.ms),
      loginStatus: during.status,
      signupStatuses: counts,
      stormWallMsAtLeast: Math.round(stormMs),
    }),
  );
} finally {
  await hub.close();
}
