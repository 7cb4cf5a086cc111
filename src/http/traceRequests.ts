import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { tracer } from '../telemetry.js';

/**
 * One SERVER span per request to the routes it is mounted on (GraphQL and the
 * explorer, not health checks or metrics), named by route, continuing the caller's
 * `traceparent`; everything the request does runs in its context (the GraphQL
 * operation, AWS calls, audit). A request the client abandons ends its span too.
 */
export function traceRequests() {
  return (req: Request, res: Response, next: NextFunction) => {
    const parent = propagation.extract(context.active(), req.headers);
    const route = req.baseUrl;
    const span = tracer.startSpan(
      `${req.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'http.route': route } },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (res.writableFinished) span.setAttribute('http.response.status_code', res.statusCode);
      else span.setAttribute('dxgraph.abandoned', true);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}

