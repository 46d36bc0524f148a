/** Where the safety net reports what it contained (the appliance's pino logger fits). */
export interface SafetyNetLog {
  error(facts: Record<string, unknown>, message: string): void;
}

/**
 * The appliance's last line of defence: an error that escapes every request's own handling (an
 * `'error'` event no one listens to, a rejected promise no one awaits) is logged, with its stack
 * and what raised it, and the process keeps serving. Returns a function that removes the net.
 *
 * Why not exit, as Node does by default? Exiting protects state an interrupted function may have
 * left half-changed. In the hub, the state that matters (balances, holds, the ledger, usage)
 * lives in the database and changes only inside transactions, which an exception rolls back; what
 * a request keeps in the process (a socket, a parser, a stream reader) is its own, and its own
 * cleanup, the client's abort or the upstream deadline ends it. Exiting, on the other hand, would
 * turn one upstream's bad byte into an outage for every user: every stream in flight cut, their
 * holds left open for the sweeper, and, with an upstream that keeps sending it, a restart loop.
 * So the error is contained and logged at `error` level as a bug to fix (each line carries the
 * count so far, for alerting), never ignored; errors before the hub listens still stop start-up.
 */
export function installProcessSafetyNet(log: SafetyNetLog): () => void {
  let contained = 0;
  const onException = (error: Error, origin: string) => {
    contained++;
    log.error({ err: error, origin, contained }, 'uncaught error contained: the hub keeps serving');
  };
  const onRejection = (reason: unknown) => {
    contained++;
    log.error(
      { err: reason, origin: 'unhandledRejection', contained },
      'unhandled rejection contained: the hub keeps serving',
    );
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
