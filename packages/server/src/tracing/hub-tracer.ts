import { context, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Env } from '../config/env-schema.js';

declare module '../hub/hub-options.js' {
  interface HubOptions {
    /**
     * Where the hub's spans go: an OpenTelemetry `TracerProvider` of the host's (its exporters,
     * its sampling; the hub does not shut it down). Default: OTLP over HTTP to
     * `OTEL_EXPORTER_OTLP_ENDPOINT` when it is set, no tracing at all when not. `false`: none.
     */
    tracerProvider?: TracerProvider | false;
  }
}

/** The hub's tracer (undefined: tracing off) and what to close with the hub. */
export interface HubTracer {
  tracer: Tracer | undefined;
  close(): Promise<void>;
}

const TRACER_NAME = '@smart-ai-hub/server';

/**
 * Tracing is on when the host passes a provider or `OTEL_EXPORTER_OTLP_ENDPOINT` is set; then
 * the request's context travels through async calls (an AsyncLocalStorage context manager is
 * registered unless the process already has one) and the hub's spans nest under each request's.
 * Off, nothing is made: no provider, no hooks, no spans.
 */
export function openHubTracer(env: Env, provider: TracerProvider | false | undefined): HubTracer {
  if (provider === false || (!provider && !env.OTEL_EXPORTER_OTLP_ENDPOINT)) {
    return { tracer: undefined, close: async () => {} };
  }
  const manager = new AsyncLocalStorageContextManager().enable();
  // False (nothing changed) when the process has one already: the host's, or an earlier hub's.
  if (!context.setGlobalContextManager(manager)) manager.disable();
  if (provider) return { tracer: provider.getTracer(TRACER_NAME), close: async () => {} };
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/+$/, '');
  const own = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))],
  });
  return { tracer: own.getTracer(TRACER_NAME), close: () => own.shutdown() };
}
