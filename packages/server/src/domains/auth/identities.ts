import { type Database, isUniqueViolation, newId, type User } from '@smart-ai-hub/adapters';
import type { Kysely } from 'kysely';
import { HubError } from '../../http/hub-error.js';
import type { UsersService } from '../accounts/users-service.js';
import type { Role } from './principal.js';

/** What an outside identity provider (OAuth, OIDC issuer, host product) says about a person. */
export interface ExternalProfile {
  /** `github`, `google`, `host`, `oidc:<issuer>`, ... */
  provider: string;
  /** The provider's stable id for the person. */
  subject: string;
  email: string | null;
  /** True only when the provider vouches that the person controls `email`. */
  emailVerified: boolean;
  name?: string | null;
  /** Role for a user created on first sight (host hook); default `user`. */
  role?: Role;
}

/**
 * Maps outside identities to hub users, keyed by (provider, subject). An identity seen for the
 * first time is linked to the user with the same email only when both the provider and the hub
 * have verified that email; otherwise a new user is created, or, when the email belongs to an
 * account that cannot be linked safely, the sign-in is refused (never a silent takeover).
 */
export interface IdentitiesService {
  signIn(profile: ExternalProfile): Promise<User>;
}

export function createIdentitiesService(db: Kysely<Database>, users: UsersService): IdentitiesService {
  async function findLinked(provider: string, subject: string) {
    const row = await db
      .selectFrom('oauth_identities')
      .select('user_id')
      .where('provider', '=', provider)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row ? users.findById(row.user_id) : undefined;
  }

  async function link(userId: string, profile: ExternalProfile) {
    try {
      await db
        .insertInto('oauth_identities')
        .values({
          id: newId('oid'),
          user_id: userId,
          provider: profile.provider,
          subject: profile.subject,
          email: profile.email,
          created_at: Date.now(),
        })
        .execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  return {
    async signIn(profile) {
      const linked = await findLinked(profile.provider, profile.subject);
      if (linked) return linked;
      const email =
        profile.email ?? `${profile.provider.replace(/[^a-z0-9]+/gi, '-')}-${profile.subject}@users.invalid`;
      const existing = await users.findByEmail(email);
      let user: User;
      if (existing) {
        if (!(profile.emailVerified && existing.email_verified_at !== null)) {
          throw new HubError(
            409,
            'conflict',
            'An account with this email already exists: sign in with its password, or verify the email on both sides, to link this sign-in',
          );
        }
        user = existing;
      } else {
        try {
          user = await users.create({
            email,
            name: profile.name ?? null,
            role: profile.role ?? 'user',
            emailVerified: profile.emailVerified && profile.email !== null,
          });
        } catch (error) {
          // Two first sign-ins raced: the other created the user and identity.
          const again = await findLinked(profile.provider, profile.subject);
          if (again) return again;
          throw error;
        }
      }
      await link(user.id, profile);
      return (await findLinked(profile.provider, profile.subject)) ?? user;
    },
  };
}
