import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tracer } from '../telemetry.js';

// With tracing on (docs/contract.md, "Tracing"): one SERVER span per request to
// the GraphQL endpoint and the explorer (not health checks or metrics), named by
// route, continuing the caller's `traceparent`. The GraphQL handler runs inside
// it (`inRequestSpan`), so the operation, the AWS calls and the audit writes are
// its children. A request the client abandons ends its span too.

const TRACED = /^\/(graphql|graphiql)(\/|$)/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The context the request's work runs in: its SERVER span's. */
    traceContext?: Context;
  }
}

export function traceRequests(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (!route || !TRACED.test(route)) return done();
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
      parent,
    );
    request.traceContext = trace.setSpan(parent, span);
    request.traceId = span.spanContext().traceId;
    const response = reply.raw;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (response.writableFinished) span.setAttribute('http.response.status_code', response.statusCode);
      else span.setAttribute('dxgraph.abandoned', true);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    response.once('finish', end);
    response.once('close', end);
    done();
  });
}

/** Runs the request's work in its span's context (as is, when tracing is off). */
export function inRequestSpan<T>(request: FastifyRequest, work: () => T): T {
  return request.traceContext ? context.with(request.traceContext, work) : work();
}
