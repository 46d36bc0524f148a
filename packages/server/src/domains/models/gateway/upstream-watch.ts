import { performance } from 'node:perf_hooks';
import type { CatalogDeployment } from '../catalog/model-catalog.js';
import { UpstreamError } from '../providers/upstream-error.js';
import type { GatewayDeps } from './gateway-deps.js';
import type { AttemptResult } from './gateway-metrics.js';
import type { UpstreamAnswer, UpstreamSpan } from './gateway-tracing.js';
import type { MeteredCall } from './metered-call.js';

/**
 * One upstream attempt as metrics and traces see it, from its start: `answered` or `failed` when
 * the attempt resolves (its first byte, for a stream), then, for the one that answered,
 * `firstToken` when the client gets its first token and `finished` at the answer's last byte.
 */
export class UpstreamWatch {
  private readonly startedAt = performance.now();
  private readonly span: UpstreamSpan;
  private tokenSeen = false;
  private ended = false;

  constructor(
    private readonly deps: Pick<GatewayDeps, 'metrics' | 'tracing'>,
    private readonly call: MeteredCall,
    readonly deployment: CatalogDeployment,
    operation: 'chat' | 'embeddings',
  ) {
    this.span = deps.tracing.upstream(call, deployment, operation);
  }

  answered(): void {
    this.deps.metrics.upstreamAttempt(this.call.model.id, this.deployment, 'ok', this.seconds());
  }

  failed(error: unknown): void {
    const result = attemptResult(error, this.call.signal);
    this.deps.metrics.upstreamAttempt(this.call.model.id, this.deployment, result, this.seconds());
    this.ended = true;
    this.span.fail(error);
  }

  /** The client gets its first token (counted once). */
  firstToken(): void {
    if (this.tokenSeen) return;
    this.tokenSeen = true;
    const seconds = (Date.now() - this.call.started) / 1000;
    this.deps.metrics.firstToken(this.call.model.id, this.deployment, seconds);
  }

  /** The answer is over (all of it, or what a client who left got); ends the span once. */
  finished(answer: UpstreamAnswer): void {
    if (this.ended) return;
    this.ended = true;
    this.deps.metrics.upstreamFinished(this.call.model.id, this.deployment, this.seconds());
    this.span.end(answer);
  }

  /** The answer broke off after its first byte (an upstream failure mid-stream). */
  brokeOff(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.span.fail(error);
  }

  private seconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }
}

/** The kind of an attempt's failure, for the attempts counter. */
export function attemptResult(error: unknown, signal: AbortSignal): AttemptResult {
  if (signal.aborted) return 'aborted';
  if (!(error instanceof UpstreamError)) return 'error';
  if (error.timeout) return 'timeout';
  const { status } = error;
  if (status === undefined) return 'connection_error';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server_error' : 'client_error';
}
