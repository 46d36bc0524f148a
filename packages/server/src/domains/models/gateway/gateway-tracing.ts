import type { CatalogDeployment } from '../catalog/model-catalog.js';
import type { MeteredCall } from './metered-call.js';

/** A span around one stage; `end` takes the error the stage failed with, if it did. */
export interface StageSpan {
  end(error?: unknown): void;
}

/** What an upstream answer said, for the GenAI attributes of its span. */
export interface UpstreamAnswer {
  inputTokens?: number;
  outputTokens?: number;
  /** The choices' finish reasons (`stop`, `length`, `tool_calls`, ...). */
  finishReasons?: string[];
  /** The model the upstream says answered, and its id for the answer. */
  responseModel?: string;
  responseId?: string;
}

/** The span of one upstream attempt: ended once, by `end` (answered) or `fail`. */
export interface UpstreamSpan {
  end(answer: UpstreamAnswer): void;
  fail(error: unknown): void;
}

/**
 * What the gateway's stages report for traces: child spans of the request's span (the hub's
 * tracing plugin opens it) for the hold, each upstream attempt (GenAI semantic conventions) and
 * the settle. With tracing off the hub passes {@link noGatewayTracing}, whose spans are one shared
 * object that does nothing.
 */
export interface GatewayTracing {
  /** A span named `hub.<stage>` under the span of the request that made `call`. */
  stage(call: MeteredCall, stage: 'hold' | 'settle' | 'release'): StageSpan;
  /** A client span for one attempt on `deployment` (`chat <model>`, `embeddings <model>`). */
  upstream(call: MeteredCall, deployment: CatalogDeployment, operation: 'chat' | 'embeddings'): UpstreamSpan;
}

/** `work`, with `span` ended when it settles (with the error, when it fails). */
export function inSpan<T>(span: StageSpan, work: Promise<T>): Promise<T> {
  return work.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      span.end(error);
      throw error;
    },
  );
}

const noSpan: StageSpan & UpstreamSpan = { end() {}, fail() {} };

/** Tracing off: no span is made. */
export const noGatewayTracing: GatewayTracing = {
  stage: () => noSpan,
  upstream: () => noSpan,
};
