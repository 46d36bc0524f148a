/** Which queue a piece of password work waits in. */
export type HashingLane = 'sign-in' | 'new-password';

/**
 * Runs password hashing a few jobs at a time, sign-in checks ahead of new hashes. scrypt at OWASP
 * cost takes a libuv thread and 128 MiB for about a third of a second; unbounded, a burst of
 * sign-ups fills the thread pool and a login waits behind all of it. Here at most `slots` jobs run,
 * new-password hashes (sign-up, reset, change) take at most `slots - 1` of them, so one slot is
 * always left to sign-ins, and a freed slot goes to a waiting sign-in first.
 */
export function createHashingGate(slots: number) {
  const total = Math.max(1, Math.floor(slots));
  const newPasswordSlots = Math.max(1, total - 1);
  let running = 0;
  let runningNew = 0;
  const waiting: Record<HashingLane, Array<() => void>> = { 'sign-in': [], 'new-password': [] };

  function next(): void {
    while (running < total) {
      const signIn = waiting['sign-in'].shift();
      if (signIn) {
        signIn();
        continue;
      }
      if (runningNew >= newPasswordSlots) return;
      const hash = waiting['new-password'].shift();
      if (!hash) return;
      hash();
    }
  }

  return {
    /** Runs `job` when its lane gets a slot. */
    async run<T>(lane: HashingLane, job: () => Promise<T>): Promise<T> {
      await new Promise<void>((start) => {
        waiting[lane].push(() => {
          running++;
          if (lane === 'new-password') runningNew++;
          start();
        });
        next();
      });
      try {
        return await job();
      } finally {
        running--;
        if (lane === 'new-password') runningNew--;
        next();
      }
    },
    /** Jobs running and waiting, per lane (for tests and metrics). */
    stats: () => ({
      running,
      runningNew,
      waitingSignIn: waiting['sign-in'].length,
      waitingNew: waiting['new-password'].length,
    }),
  };
}

export type HashingGate = ReturnType<typeof createHashingGate>;
