import type { FastifyInstance } from 'fastify';
import type { HubContext } from './hub-context.js';
import type { HubOptions } from './hub-options.js';

/**
 * A domain of the hub (auth, credits, models, notifications): it builds its services into
 * `hub.services` in `setup`, then registers its routes in its own encapsulated Fastify context.
 */
export interface HubDomain {
  name: string;
  /** Builds the domain's services; may read services of domains set up before it. */
  setup?(hub: HubContext, options: HubOptions): Promise<void> | void;
  /** Registers the domain's routes (called after every domain's setup). */
  routes?(app: FastifyInstance, hub: HubContext): Promise<void> | void;
  /** Starts background work (sweepers, consumers) once the hub is ready; stopped through `hub.onClose`. */
  start?(hub: HubContext): Promise<void> | void;
}
