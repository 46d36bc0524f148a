import { HubClient, memoryTokenStore } from '@smart-ai-hub/sdk';
import type { RunningHub } from './start-hubs.js';

export const password = 'a sturdy passphrase 42';

export function uniqueEmail(): string {
  return `react-${Math.random().toString(36).slice(2)}@example.test`;
}

/** A fresh client with its own in-memory session (no localStorage shared between tests). */
export function newClient(hub: RunningHub): HubClient {
  return new HubClient({ baseURL: hub.url, auth: { tokenStore: memoryTokenStore() }, maxRetries: 0 });
}

/** A client signed in as a new user who was granted `credits` through the admin API. */
export async function signedInUser(hub: RunningHub, credits: number) {
  const client = newClient(hub);
  const session = await client.auth.register({ email: uniqueEmail(), password });
  if (credits > 0) {
    const admin = new HubClient({ baseURL: hub.url, apiKey: hub.adminKey, maxRetries: 0 });
    await admin.admin.users.grantCredits(session.user.id, { amount: credits, reason: 'react test' });
  }
  return { client, user: session.user };
}
