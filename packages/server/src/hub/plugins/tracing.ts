import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { endSpan } from '../../tracing/gateway-spans.js';
import type { HubContext } from '../hub-context.js';

const requestSpans = new WeakMap<object, Span>();

/**
 * One server span per request (`POST /v1/chat/completions`, continuing the caller's trace when it
 * sends a W3C `traceparent`), active for the whole request so the gateway's spans nest under it,
 * and a `hub.auth` child around authentication. Nothing at all when tracing is off.
 */
export const hubTracing = fp<{ hub: HubContext }>(
  async function hubTracing(app: FastifyInstance, { hub }) {
    const { tracer } = hub;
    if (!tracer) return;
    const propagator = new W3CTraceContextPropagator();

    const finish = (request: object, status: number | undefined, aborted: boolean) => {
      const span = requestSpans.get(request);
      if (!span) return;
      requestSpans.delete(request);
      if (status !== undefined) span.setAttribute('http.response.status_code', status);
      if (aborted) span.setAttribute('hub.client_aborted', true);
      if (status !== undefined && status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    app.addHook('onRequest', (request, _reply, done) => {
      const parent = propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter);
      const route = request.routeOptions.url;
      const span = tracer.startSpan(
        route ? `${request.method} ${route}` : request.method,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            ...(route ? { 'http.route': route } : {}),
            'url.path': request.url.split('?')[0],
            'hub.request_id': request.id,
          },
        },
        parent,
      );
      requestSpans.set(request, span);
      // A WebSocket upgrade gets no response: its span lasts as long as the connection.
      if (request.headers.upgrade?.toLowerCase() === 'websocket') {
        request.raw.socket.once('close', () => finish(request, 101, false));
      }
      // The rest of the request's lifecycle runs inside this context (hooks, handler, stream).
      context.with(trace.setSpan(parent, span), done);
    });
    app.addHook('onResponse', (request, reply, done) => {
      finish(request, reply.statusCode, false);
      done();
    });
    app.addHook('onRequestAbort', (request, done) => {
      finish(request, undefined, true);
      done();
    });

    const authenticate = hub.authenticate;
    hub.authenticate = async (request) => {
      const span = tracer.startSpan('hub.auth', undefined, context.active());
      try {
        const principal = await authenticate(request);
        span.setAttribute('hub.auth.via', principal?.via ?? 'anonymous');
        span.end();
        return principal;
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    };
  },
  { name: 'smart-ai-hub-tracing', fastify: '5.x' },
);
