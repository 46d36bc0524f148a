import { describe, expect, it } from 'vitest';
import type { HubError } from '../http/hub-error.js';
import { createAddressPolicy } from './address-policy.js';
import { assertOutboundUrl } from './outbound-url.js';

const strict = createAddressPolicy(undefined);
const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

async function refusal(url: string, resolve = resolvesTo('93.184.216.34')): Promise<HubError> {
  try {
    await assertOutboundUrl(url, strict, { resolve });
  } catch (error) {
    return error as HubError;
  }
  throw new Error(`${url} was accepted`);
}

describe('assertOutboundUrl', () => {
  it('accepts http(s) URLs whose every address is public', async () => {
    const url = await assertOutboundUrl('https://hooks.example.com/in?x=1', strict, {
      resolve: resolvesTo('93.184.216.34', '2606:2800:220:1::1'),
    });
    expect(url.href).toBe('https://hooks.example.com/in?x=1');
  });

  it('refuses other schemes, credentials and what is no URL', async () => {
    expect((await refusal('ftp://example.com/')).message).toMatch(/http:\/\/ or https:\/\//);
    expect((await refusal('file:///etc/passwd')).message).toMatch(/http:\/\/ or https:\/\//);
    expect((await refusal('https://user:pw@example.com/')).message).toMatch(/credentials/);
    expect((await refusal('not a url')).statusCode).toBe(400);
  });

  it('refuses a name when any of its addresses is private (resolved, every address checked)', async () => {
    const error = await refusal('https://mixed.example.com/', resolvesTo('93.184.216.34', '10.0.0.5'));
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'validation_error',
      details: { address: '10.0.0.5', reason: 'private' },
    });
    expect(error.message).toContain('HUB_ALLOW_PRIVATE_URLS');
  });

  it('refuses address literals in every spelling the URL parser accepts', async () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://0x7f000001/',
      'http://2130706433/',
      'http://[::1]:8080/',
      'http://[::ffff:7f00:1]/',
      'http://169.254.169.254/latest',
    ]) {
      expect(
        (
          await refusal(url, async () => {
            throw new Error('no lookup for literals');
          })
        ).statusCode,
        url,
      ).toBe(400);
    }
  });

  it('refuses a name that does not resolve, naming the field', async () => {
    const error = await refusal('https://nowhere.invalid/', async () => {
      throw new Error('ENOTFOUND');
    });
    expect(error.message).toBe('url: the host nowhere.invalid does not resolve');
  });

  it('lets the operator allow private addresses', async () => {
    const open = createAddressPolicy('10.0.0.0/8');
    await expect(
      assertOutboundUrl('http://vllm.internal:8000/v1', open, { resolve: resolvesTo('10.1.2.3') }),
    ).resolves.toBeInstanceOf(URL);
  });
});
