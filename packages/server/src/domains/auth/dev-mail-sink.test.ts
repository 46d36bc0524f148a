import { afterEach, describe, expect, it } from 'vitest';
import { capturedLog } from '../../../test/support/captured-log.js';
import { createTestHub, type TestHub } from '../../../test/support/test-hub.js';
import { loadConfig } from '../../config/load-config.js';

const LINK = /(verify-email|reset-password)\?token=/;

describe('mail without SMTP', () => {
  let t: TestHub | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function signUpAndForget(env: Record<string, string>) {
    const log = capturedLog('debug');
    t = await createTestHub({ env: { LOG_LEVEL: 'debug', ...env }, logger: log.logger });
    const email = 'mail-less@example.com';
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: 'an unusual passphrase 17' },
    });
    expect(reg.statusCode).toBe(201);
    const forgot = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      payload: { email },
    });
    expect(forgot.statusCode).toBe(202);
    return log;
  }

  it('is off by default in every mode: it says so, and never logs a link or its token', async () => {
    for (const NODE_ENV of ['production', 'development', 'test']) {
      const log = await signUpAndForget({ NODE_ENV });
      await expect.poll(() => log.find(/email not sent: mail is off/).length).toBe(2);
      expect(log.find(/^mail is off/)).toHaveLength(1);
      expect(log.text()).not.toMatch(LINK);
      expect(log.text()).not.toMatch(/DEV MAIL SINK/);
      await t!.close();
      t = undefined;
    }
  });

  it('prints the emails, links included, only to a dev sink chosen with HUB_DEV_MAIL=log, and says it is one', async () => {
    const log = await signUpAndForget({ NODE_ENV: 'production', HUB_DEV_MAIL: 'log' });
    expect(log.find(/^DEV MAIL SINK \(HUB_DEV_MAIL=log\): not for production: every email/)).toHaveLength(1);
    await expect.poll(() => log.find(/DEV MAIL SINK.*this email was printed here, not sent/).length).toBe(2);
    const printed = log
      .find(/this email was printed here/)
      .map((l) => (l.devMail as { text: string }).text)
      .join('\n');
    expect(printed).toMatch(/\/verify-email\?token=[\w%-]{20,}/);
    expect(printed).toMatch(/\/reset-password\?token=[\w%-]{20,}/);
    // The link works: the dev sink prints the real email, not a stand-in.
    const token = decodeURIComponent(/verify-email\?token=([\w%-]+)/.exec(printed)![1]!);
    const verified = await t!.app.inject({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      payload: { token },
    });
    expect(verified.statusCode).toBe(204);
  });
});

describe('mode and mail settings', () => {
  it('defaults to production', () => {
    expect(loadConfig({}).env.NODE_ENV).toBe('production');
  });

  it('refuses a dev mail sink together with SMTP, naming both', () => {
    expect(() => loadConfig({ HUB_DEV_MAIL: 'log', SMTP_URL: 'smtp://127.0.0.1:2525' })).toThrow(
      /HUB_DEV_MAIL: set either SMTP_URL .* or HUB_DEV_MAIL=log/,
    );
    expect(() => loadConfig({ HUB_DEV_MAIL: 'stdout' })).toThrow(/HUB_DEV_MAIL/);
  });
});
