import { type Database, newId, type WebhookDeliveriesTable } from '@smart-ai-hub/adapters';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import type { Dispatcher } from 'undici';
import { type AttemptOutcome, postWebhook } from './delivery-attempt.js';
import { nextAttemptAt } from './retry-schedule.js';
import type { WebhookEndpoints } from './webhook-endpoints.js';
import { signedHeaders } from './webhook-signature.js';

type DeliveryRow = Selectable<WebhookDeliveriesTable>;

export interface DeliveryWorkerOptions {
  db: Kysely<Database>;
  endpoints: WebhookEndpoints;
  /** Connects only where the outbound address rule allows (see `createGuardedAgent`). */
  dispatcher: Dispatcher;
  /** This replica's name in the delivery log and on its claims. */
  replica: string;
  timeoutMs: number;
  firstRetryMs: number;
  log: FastifyBaseLogger;
  /** Attempts in flight at once (default 8). */
  concurrency?: number;
  /** How often to look for due deliveries when nothing woke the worker (default 1 s). */
  pollMs?: number;
  now?: () => number;
}

/**
 * Sends due deliveries, on every replica at once without ever making the same attempt twice: a
 * delivery is claimed with a guarded update (`attempts + 1` and a lease, only while no live lease
 * holds it), so exactly one replica makes attempt n; the attempt is logged under the unique
 * (delivery, attempt), and its outcome (succeeded; failed for good once the retry window is
 * over; or the next attempt's time) is written only by the lease's holder. A replica that dies
 * mid-attempt leaves a lease that expires (after the attempt's timeout and a margin): the
 * delivery is then attempted again, which is what at-least-once means. Stopping lets the
 * attempts in flight finish and record their outcome.
 */
export class DeliveryWorker {
  #stopped = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(private readonly options: DeliveryWorkerOptions) {}

  start(): void {
    this.#loop = this.#run();
  }

  /** Looks for due deliveries now (after new ones were made, or a resend). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Claims nothing more and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    await Promise.all(this.#inFlight);
  }

  get #leaseMs() {
    return this.options.timeoutMs + 30_000;
  }

  #now() {
    return (this.options.now ?? Date.now)();
  }

  async #run(): Promise<void> {
    const { log, concurrency = 8, pollMs = 1_000 } = this.options;
    while (!this.#stopped) {
      this.#woken = false;
      let claimed = 0;
      const room = concurrency - this.#inFlight.size;
      if (room > 0) {
        try {
          for (const delivery of await this.#claim(room)) {
            claimed++;
            const attempt = this.#attempt(delivery)
              .catch((error) =>
                log.error({ err: error, deliveryId: delivery.id }, 'webhook attempt failed to record'),
              )
              .finally(() => {
                this.#inFlight.delete(attempt);
                this.wake();
              });
            this.#inFlight.add(attempt);
          }
        } catch (error) {
          if (this.#stopped) return;
          log.error({ err: error }, 'claiming webhook deliveries failed; retrying');
        }
      }
      // A full batch may mean more are due: look again at once (unless the slots are all taken).
      if (this.#stopped || (claimed === room && room > 0 && !this.#woken)) continue;
      if (this.#woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        timer.unref();
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Claims up to `limit` due deliveries of enabled endpoints for this replica. */
  async #claim(limit: number): Promise<DeliveryRow[]> {
    const { db, replica } = this.options;
    const now = this.#now();
    const due = await db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select('d.id')
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
      .where('e.disabled_at', 'is', null)
      .orderBy('d.next_attempt_at')
      .limit(limit)
      .execute();
    const claimed: DeliveryRow[] = [];
    for (const { id } of due) {
      // The guard is the claim: of the replicas that picked this delivery, one updates it.
      const row = await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          lease_owner: replica,
          lease_until: now + this.#leaseMs,
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .returningAll()
        .executeTakeFirst();
      if (row) claimed.push(row);
    }
    return claimed;
  }

  async #attempt(delivery: DeliveryRow): Promise<void> {
    const { db, endpoints, replica, timeoutMs, firstRetryMs, dispatcher, log } = this.options;
    const endpoint = await db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', delivery.endpoint_id)
      .executeTakeFirst();
    if (!endpoint) return; // Deleted meanwhile: its deliveries went with it.
    const startedAt = this.#now();
    let outcome: AttemptOutcome;
    try {
      outcome = await postWebhook({
        url: endpoint.url,
        headers: signedHeaders(
          endpoints.signingSecrets(endpoint),
          delivery.message_id,
          new Date(startedAt),
          delivery.payload,
        ),
        body: delivery.payload,
        dispatcher,
        timeoutMs,
      });
    } catch (error) {
      outcome = { ok: false, status: null, latencyMs: 0, response: null, error: (error as Error).message };
    }
    const now = this.#now();
    const next = outcome.ok
      ? null
      : nextAttemptAt(delivery.attempts, now, delivery.retry_until, firstRetryMs);
    const status = outcome.ok ? 'succeeded' : next === null ? 'failed' : 'pending';
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          id: newId('wha'),
          delivery_id: delivery.id,
          attempt: delivery.attempts,
          started_at: startedAt,
          status: outcome.status,
          latency_ms: outcome.latencyMs,
          response: outcome.response,
          error: outcome.error,
          replica,
        })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status,
          next_attempt_at: next ?? delivery.next_attempt_at,
          lease_owner: null,
          lease_until: null,
          last_status: outcome.status,
          last_latency_ms: outcome.latencyMs,
          last_response: outcome.response,
          last_error: outcome.error,
          updated_at: now,
          finished_at: status === 'pending' ? null : now,
        })
        .where('id', '=', delivery.id)
        // Only the claim's holder records its outcome (a resend meanwhile started over).
        .where('lease_owner', '=', replica)
        .where('attempts', '=', delivery.attempts)
        .execute();
    });
    if (status === 'failed') {
      log.warn(
        { deliveryId: delivery.id, endpointId: endpoint.id, attempts: delivery.attempts },
        'webhook delivery failed for good: its retry window is over',
      );
    }
  }

  /** Resolves when the loop has ended. */
  get finished(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }
}
