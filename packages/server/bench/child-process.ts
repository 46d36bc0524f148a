import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a bench child sends once it listens. */
export interface ReadyMessage {
  type: 'ready';
  url: string;
  [key: string]: unknown;
}

/** A bench component (upstream, proxy, hub) running in its own Node process, so it gets a CPU and an RSS of its own. */
export interface BenchChild<Ready extends ReadyMessage = ReadyMessage> {
  process: ChildProcess;
  ready: Ready;
  /** Sends `message` and resolves with the child's answer of type `${message.type}:done`. */
  ask<T = unknown>(message: { type: string; [key: string]: unknown }): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `file` (a TypeScript module beside this one) under tsx and waits for its `ready` message. */
export async function startChild<Ready extends ReadyMessage>(
  file: string,
  env: Record<string, string> = {},
  /** Extra Node flags, e.g. `--cpu-prof` to profile the hub (`BENCH_PROFILE=1 pnpm bench`). */
  nodeFlags: string[] = [],
): Promise<BenchChild<Ready>> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: ['--conditions=source', '--import', 'tsx', ...nodeFlags],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${file} exited with code ${code} before it was ready`));
    child.once('exit', onExit);
    child.on('message', function onMessage(message: { type?: string }) {
      if (message?.type !== 'ready') return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Ready);
    });
  });
  return {
    process: child,
    ready,
    ask<T>(message: { type: string }) {
      return new Promise<T>((resolve) => {
        child.on('message', function onAnswer(answer: { type?: string; value?: T }) {
          if (answer?.type !== `${message.type}:done`) return;
          child.off('message', onAnswer);
          resolve(answer.value as T);
        });
        child.send(message);
      });
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

/** In a child: answers `ask()` messages of `type` with the value `handler` returns. */
export function answer(type: string, handler: (message: Record<string, unknown>) => unknown): void {
  process.on('message', async (message: { type?: string }) => {
    if (message?.type !== type) return;
    const value = await handler(message as Record<string, unknown>);
    process.send?.({ type: `${type}:done`, value });
  });
}

/** In a child: the resident set size, after a GC when the process runs with --expose-gc. */
export function answerMemory(): void {
  answer('memory', () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().rss;
  });
}
