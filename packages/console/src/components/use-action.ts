import { useCallback, useState } from 'react';

export interface Action<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  busy: boolean;
  error: unknown;
  /** What the last successful run returned. */
  result: R | undefined;
  reset(): void;
}

/** Runs an async action (a form's submit) with its busy flag and error; never rejects. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): Action<A, R> {
  const [state, setState] = useState<{ busy: boolean; error: unknown; result: R | undefined }>({
    busy: false,
    error: undefined,
    result: undefined,
  });
  const run = useCallback(
    async (...args: A) => {
      setState((s) => ({ ...s, busy: true, error: undefined }));
      try {
        const result = await action(...args);
        setState({ busy: false, error: undefined, result });
        return result;
      } catch (error) {
        setState({ busy: false, error, result: undefined });
        return undefined;
      }
    },
    [action],
  );
  const reset = useCallback(() => setState({ busy: false, error: undefined, result: undefined }), []);
  return { ...state, run, reset };
}
