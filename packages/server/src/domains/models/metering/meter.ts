import { performance } from 'node:perf_hooks';
import { HubError } from '../../../http/hub-error.js';
import type { Principal } from '../../auth/principal.js';
import type { Balance, HoldOutcome } from '../../credits/credits-port.js';
import type { GatewayDeps } from '../gateway/gateway-deps.js';
import { releaseKeySpend, reserveKeySpend, SPEND_RESERVATION, settleKeySpend } from './api-key-spend.js';

/** What a meter needs: the credits port, the keys' spending caps, and the metrics it reports holds to. */
export type MeterDeps = Pick<GatewayDeps, 'credits' | 'keySpend' | 'metrics'>;

/** What a metered request cost, in units and tokens. */
export interface ChargeInfo {
  /** Units charged. */
  cost: number;
  /** The caller's balance after the charge (units). */
  balance: number;
  inputTokens: number;
  outputTokens: number;
  /** True when the answer came from the response cache. */
  cached: boolean;
}

/**
 * One metered request's money: a hold for its worst case (plus, for an API key with a spending
 * cap, a reservation against the cap), then exactly one of `settle` (charge the real cost, all of
 * it, even beyond the hold) or `release` (charge nothing). Later calls return the first outcome,
 * so no path charges twice. Reusable by every metered endpoint (chat, messages, embeddings).
 *
 * The hold lives as long as the meter: it is placed with `keepAlive`, so this process renews it
 * until it is settled or released, however long the request runs (a slow reader, a long stream);
 * if the process dies, the sweeper releases it, and the key's reservation with it.
 */
export class Meter {
  private outcome: Promise<{ charged: number; balance: Balance }> | undefined;

  private constructor(
    private readonly deps: MeterDeps,
    readonly holdId: string,
    /** Units held. */
    readonly amount: number,
    private readonly keyReservation: { keyId: string; amount: number } | undefined,
  ) {}

  /**
   * Places the hold (402 `insufficient_credits` when the balance does not cover it) and the
   * spending-cap reservation (403 `spend_cap_reached`). One transaction each; none without a cap.
   */
  static async open(
    deps: MeterDeps,
    input: { principal: Principal; amount: number; requestId: string; model: string },
  ): Promise<Meter> {
    const { principal, requestId, model } = input;
    const amount = Math.max(1, input.amount);
    const key = principal.apiKey;
    let reservation: { keyId: string; amount: number } | undefined;
    if (key && key.spendCap !== null) {
      await reserveKeySpend(deps.keySpend, key.id, amount, key.spendCap);
      reservation = { keyId: key.id, amount };
    }
    const startedAt = performance.now();
    try {
      const hold = await deps.credits().hold({
        userId: principal.userId,
        amount,
        requestId,
        keepAlive: true,
        metadata: {
          model,
          ...(key ? { apiKeyId: key.id } : {}),
          ...(reservation ? { [SPEND_RESERVATION]: reservation.amount } : {}),
        },
      });
      deps.metrics.hold('placed', secondsSince(startedAt));
      return new Meter(deps, hold.id, amount, reservation);
    } catch (error) {
      if (error instanceof HubError && error.statusCode === 402)
        deps.metrics.hold('refused', secondsSince(startedAt));
      if (reservation) await releaseKeySpend(deps.keySpend, reservation.keyId, reservation.amount);
      throw error;
    }
  }

  /** Charges `cost` units, all of them (beyond the hold too: see `CreditsPort.settle`), and releases the rest. */
  settle(cost: number, description: string, metadata?: Record<string, unknown>) {
    const charge = Math.max(0, cost);
    return this.resolveOnce(() => this.deps.credits().settle(this.holdId, charge, { description, metadata }));
  }

  /** Charges nothing. */
  release(reason: string) {
    return this.resolveOnce(() => this.deps.credits().release(this.holdId, reason));
  }

  /**
   * Runs the first resolution only, then swaps the key's spend reservation for what was charged.
   * An `expired` outcome means the sweeper expired the hold first and gave the reservation back in
   * that transaction: the key then only takes the charge.
   */
  private resolveOnce(resolve: () => Promise<HoldOutcome>) {
    this.outcome ??= (async () => {
      const startedAt = performance.now();
      const outcome = await resolve();
      this.deps.metrics.hold(outcome.status, secondsSince(startedAt));
      if (this.keyReservation) {
        const reserved = outcome.status === 'expired' ? 0 : this.keyReservation.amount;
        await settleKeySpend(this.deps.keySpend, this.keyReservation.keyId, reserved, outcome.charged);
      }
      return { charged: outcome.charged, balance: outcome.balance };
    })();
    return this.outcome;
  }
}

function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
