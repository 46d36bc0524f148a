/**
 * What one provider event says about a payment. Facts only grow: a payment once paid stays
 * paid, refunded amounts are cumulative (Stripe reports the running total), so merging them in
 * any order, any number of times, gives the same state.
 */
export interface PaymentFacts {
  /** The payment's key: the PaymentIntent id (shared by the session, its charge, refunds, disputes). */
  paymentId: string;
  userId?: string | null;
  sessionId?: string | null;
  packageId?: string | null;
  /** Credit units bought. */
  credits?: number | null;
  /** Minor currency units paid. */
  amountTotal?: number | null;
  currency?: string | null;
  paid?: boolean;
  failed?: boolean;
  /** Minor units refunded so far (cumulative). */
  amountRefunded?: number;
  /** Minor units disputed. */
  amountDisputed?: number;
}

export interface PaymentState {
  userId: string | null;
  credits: number | null;
  amountTotal: number | null;
  paid: boolean;
  amountRefunded: number;
  amountDisputed: number;
}

/** Merges what an event says into what was known: first known value wins, amounts take the max. */
export function mergeFacts(state: PaymentState, facts: PaymentFacts): PaymentState {
  return {
    userId: state.userId ?? facts.userId ?? null,
    credits: state.credits ?? facts.credits ?? null,
    amountTotal: state.amountTotal ?? facts.amountTotal ?? null,
    paid: state.paid || facts.paid === true,
    amountRefunded: Math.max(state.amountRefunded, facts.amountRefunded ?? 0),
    amountDisputed: Math.max(state.amountDisputed, facts.amountDisputed ?? 0),
  };
}

/**
 * The net credit units a payment in this state is worth: nothing until paid; then its credits
 * minus the refunded or disputed share, rounded so that the user never keeps more than was paid
 * for (a partial refund reverses ceil(credits * reversed / total)).
 */
export function creditedFor(state: PaymentState): number {
  if (!state.paid || state.credits === null || state.userId === null) return 0;
  const total = state.amountTotal ?? 0;
  const reversedMinor = Math.min(total, state.amountRefunded + state.amountDisputed);
  if (total <= 0) return state.credits;
  const credits = BigInt(state.credits);
  const reversed = (credits * BigInt(reversedMinor) + BigInt(total) - 1n) / BigInt(total);
  return Number(credits - reversed);
}
