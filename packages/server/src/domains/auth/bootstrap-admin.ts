import { randomBytes } from 'node:crypto';
import type { HubConfig } from '../../config/load-config.js';
import type { UsersService } from '../accounts/users-service.js';

/** The email of a generated first admin when `HUB_ADMIN_EMAIL` is not set. */
export const GENERATED_ADMIN_EMAIL = 'admin@smart-ai-hub.local';

/**
 * Creates the first admin when the hub has none: from `HUB_ADMIN_EMAIL` / `HUB_ADMIN_PASSWORD`, or
 * with a generated password printed once in a box (`print`, default stdout), never again: later
 * starts find an admin and do nothing. Replicas racing on first start create one (unique email).
 * Resolves with what it did.
 */
export async function bootstrapAdmin(
  users: UsersService,
  config: HubConfig,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<'exists' | 'configured' | 'generated'> {
  if (await users.hasAdmin()) return 'exists';
  const email = config.env.HUB_ADMIN_EMAIL ?? GENERATED_ADMIN_EMAIL;
  const configured = config.env.HUB_ADMIN_PASSWORD;
  const password = configured ?? randomBytes(18).toString('base64url');
  try {
    const existing = await users.findByEmail(email);
    if (existing) return 'exists';
    await users.create({ email, password, role: 'admin', emailVerified: true, name: 'Administrator' });
  } catch {
    // Another replica created it first.
    return 'exists';
  }
  if (configured) return 'configured';
  const lines = [
    'Smart AI Hub: the first admin was created. Keep these; they are shown only this once.',
    '',
    `  email:    ${email}`,
    `  password: ${password}`,
    '',
    'Sign in and change the password, or set HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD before first start.',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  const bar = '─'.repeat(width);
  print(`\n┌${bar}┐\n${lines.map((l) => `│ ${l.padEnd(width - 1)}│`).join('\n')}\n└${bar}┘\n\n`);
  return 'generated';
}
