import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeOidc, startFakeOidc } from '../../../server/test/fakes/fake-oidc.js';
import { type FakeStripe, startFakeStripe } from '../../../server/test/fakes/fake-stripe.js';
import { type SmtpSink, startSmtpSink } from '../../../server/test/fakes/smtp-sink.js';
import { createTestHub, type TestHub } from '../../../server/test/support/test-hub.js';

/** A credit package the Stripe fake sells. */
export const STARTER = { id: 'starter', name: 'Starter pack', credits: 10, price: 500, currency: 'usd' };

/**
 * The hub's configuration for the console tests: the default mock models, `mock-slow` (a long
 * answer, word by word, to stop midway), one credit package and an OpenID Connect provider.
 */
const hubConfig = (idp: FakeOidc) => ({
  creditPackages: [STARTER],
  oauthProviders: [
    { type: 'oidc', id: 'acme', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
  ],
  models: {
    includeDefaults: true,
    models: [
      {
        id: 'mock-slow',
        inputPrice: 1000,
        outputPrice: 1000,
        deployments: [{ id: 'mock-slow', provider: 'mock', mock: { words: 400, chunkDelayMs: 40 } }],
      },
    ],
  },
});

/** A real hub serving the built console, with its mail going to a sink and payments to a Stripe fake. */
export interface ConsoleHub {
  url: string;
  /** The hub's app and services (`testHub.hub.services`). */
  testHub: TestHub;
  sink: SmtpSink;
  stripe: FakeStripe;
  /** The OpenID Connect provider `acme` (auto-approves as its current user). */
  idp: FakeOidc;
  /** An admin with a password and nothing else (no credits, no key): a first run. */
  admin: { id: string; email: string; password: string };
  /** The first link to the hub in the newest mail to `email` whose subject matches. */
  mailedLink(email: string, subject: RegExp): Promise<string>;
  close(): Promise<void>;
}

export async function startConsoleHub(): Promise<ConsoleHub> {
  const dir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  const configFile = join(dir, 'hub.json');
  const idp = await startFakeOidc();
  writeFileSync(configFile, JSON.stringify(hubConfig(idp)));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const webhookSecret = 'whsec_console_e2e';
  const sink = await startSmtpSink();
  const stripe = await startFakeStripe({
    webhook: { url: `${url}/api/v1/webhooks/stripe`, secret: webhookSecret },
  });
  const hub = await createTestHub({
    console: true,
    env: {
      PUBLIC_URL: url,
      HUB_CONFIG: configFile,
      SMTP_URL: `${sink.url}?ignoreTLS=true`,
      STRIPE_SECRET_KEY: stripe.apiKey!,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE: stripe.url,
      HUB_OAUTH_REDIRECT_URL: `${url}/oauth/callback`,
    },
  });
  await hub.app.listen({ port, host: '127.0.0.1' });
  const admin = { email: 'admin@console.test', password: 'an admin passphrase 1815' };
  const adminUser = await hub.hub.services.users.create({
    ...admin,
    name: 'Ada Admin',
    role: 'admin',
    emailVerified: true,
  });
  return {
    url,
    testHub: hub,
    sink,
    stripe,
    idp,
    admin: { id: adminUser.id, ...admin },
    async mailedLink(email, subject) {
      const mail = await sink.waitForMessage(
        (m) => m.to.includes(email) && subject.test(m.subject ?? ''),
        15_000,
      );
      const link = mail.text.match(new RegExp(`${url}/[^\\s]+`))?.[0];
      if (!link) throw new Error(`no link to the hub in the mail "${mail.subject}": ${mail.text}`);
      return link;
    },
    async close() {
      await hub.close();
      await stripe.close();
      await sink.close();
      await idp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
