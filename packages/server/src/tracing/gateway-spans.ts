import {
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { CatalogDeployment } from '../domains/models/catalog/model-catalog.js';
import type {
  GatewayTracing,
  StageSpan,
  UpstreamAnswer,
  UpstreamSpan,
} from '../domains/models/gateway/gateway-tracing.js';
import type { MeteredCall } from '../domains/models/gateway/metered-call.js';
import { HubError } from '../http/hub-error.js';

/**
 * The gateway's spans on `tracer`: `hub.hold`, `hub.settle` (or `hub.release`) and one client
 * span per upstream attempt named after the OpenTelemetry GenAI conventions (`chat gpt-4o-mini`,
 * `gen_ai.*` attributes: provider, request and response model, tokens, finish reasons). Each is a
 * child of the span of the request that made the call: its context is taken when the call's first
 * span starts (the request's own async context), so a settle that runs on a socket's close event
 * still lands in the right trace. A call made outside any request span (a chat over the WebSocket)
 * gets a server span of its own, `ws <model>`, ended with its last stage.
 */
export function gatewayTracingWith(tracer: Tracer): GatewayTracing {
  const calls = new WeakMap<MeteredCall, CallContext>();
  const contextOf = (call: MeteredCall): CallContext => {
    let found = calls.get(call);
    if (!found) {
      const active = context.active();
      if (trace.getSpan(active)) found = { parent: active };
      else {
        // No request span around it (a chat over the WebSocket): the call gets a span of its own.
        const own = tracer.startSpan(
          `${call.endpoint} ${call.model.id}`,
          {
            kind: SpanKind.SERVER,
            attributes: { 'hub.request_id': call.requestId, 'hub.model': call.model.id },
          },
          active,
        );
        found = { parent: trace.setSpan(active, own), own };
      }
      calls.set(call, found);
    }
    return found;
  };
  return {
    stage(call, stage): StageSpan {
      const found = contextOf(call);
      const span = tracer.startSpan(
        `hub.${stage}`,
        { attributes: { 'hub.model': call.model.id } },
        found.parent,
      );
      return {
        end(error) {
          endSpan(span, error);
          // The call's own span ends with its last stage: the settle or release, or a refused hold.
          if (found.own && (stage !== 'hold' || error !== undefined)) {
            endSpan(found.own, error);
            found.own = undefined;
          }
        },
      };
    },
    upstream(call, deployment, operation): UpstreamSpan {
      const span = tracer.startSpan(
        `${operation} ${deployment.upstreamModel}`,
        { kind: SpanKind.CLIENT, attributes: requestAttributes(call, deployment, operation) },
        contextOf(call).parent,
      );
      return {
        end(answer) {
          span.setAttributes(answerAttributes(answer));
          span.end();
        },
        fail: (error) => endSpan(span, error),
      };
    },
  };
}

/** Where a call's spans go: under its request's span, or under a span of its own. */
interface CallContext {
  parent: Context;
  own?: Span;
}

function requestAttributes(call: MeteredCall, deployment: CatalogDeployment, operation: string) {
  return {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': deployment.provider,
    'gen_ai.system': deployment.provider,
    'gen_ai.request.model': deployment.upstreamModel,
    'hub.model': call.model.id,
    'hub.deployment': deployment.id,
  };
}

function answerAttributes(answer: UpstreamAnswer) {
  const attributes: Record<string, string | number | string[]> = {};
  if (answer.inputTokens !== undefined) attributes['gen_ai.usage.input_tokens'] = answer.inputTokens;
  if (answer.outputTokens !== undefined) attributes['gen_ai.usage.output_tokens'] = answer.outputTokens;
  if (answer.finishReasons?.length) attributes['gen_ai.response.finish_reasons'] = answer.finishReasons;
  if (answer.responseModel) attributes['gen_ai.response.model'] = answer.responseModel;
  if (answer.responseId) attributes['gen_ai.response.id'] = answer.responseId;
  return attributes;
}

/** Ends `span`, marked as failed (`error.type`, the exception) when `error` is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.setAttribute('error.type', errorType(error));
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  }
  span.end();
}

function errorType(error: unknown): string {
  if (error instanceof HubError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}
