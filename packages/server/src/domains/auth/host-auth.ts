import type { FastifyRequest } from 'fastify';
import type { Role } from './principal.js';

/** A user of the host product, as the host's own authentication knows them. */
export interface HostUser {
  /** The host's stable id for the user. */
  id: string;
  email: string;
  name?: string | null;
  /** The role the hub user gets when first seen (default `user`). */
  role?: Role;
  /** Whether the host verified the email (default true: the host vouches for its users). */
  emailVerified?: boolean;
}

/**
 * The host product's sign-in, handed to the hub: maps a request to the host's user, or null when
 * the request is anonymous to the host. The hub creates the hub user on first sight.
 */
export type HostAuthenticate = (request: FastifyRequest) => Promise<HostUser | null> | HostUser | null;

declare module '../../hub/hub-options.js' {
  interface HubOptions {
    /**
     * Embedding: lets the host's own sign-in authenticate hub requests, so users never sign in
     * twice. Consulted when a request carries no hub credential (access token or `sk-hub-` key).
     */
    authenticate?: HostAuthenticate;
  }
}
