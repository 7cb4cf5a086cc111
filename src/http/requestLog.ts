import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

// A request ID on every request: the caller's x-request-id when it is sane,
// otherwise a new UUID; echoed in the response and carried by every log line
// and audit record of that request. One log line per request, written from the
// gateway's logger when the response is sent: no child logger is made per
// request (a resolver that logs makes its own, src/context.ts), and a level
// that is off costs one comparison.

const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Probes a load balancer sends every few seconds would drown the log. */
const QUIET_URLS = new Set(['/healthz', '/readyz']);

/** For Fastify's `genReqId`. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, once authenticated (src/http/graphqlRoute.ts). */
    callerId?: string;
    /** The request's trace, when tracing is on (src/http/traceRequests.ts). */
    traceId?: string;
  }
}

/** Only what an operator needs; never headers, so no credential reaches the log. */
function line(request: FastifyRequest, reply: FastifyReply) {
  const url = request.url;
  return {
    req: {
      id: request.id,
      method: request.method,
      url: url.length > 200 ? `${url.slice(0, 200)}…` : url,
      remoteAddress: request.ip,
      userAgent: request.headers['user-agent'],
    },
    res: { statusCode: reply.statusCode },
    responseTime: Math.round(reply.elapsedTime),
    ...(request.callerId ? { caller: request.callerId } : {}),
    ...(request.traceId ? { trace_id: request.traceId } : {}),
  };
}

export function logRequests(app: FastifyInstance, logger: Logger): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (logger.isLevelEnabled(level) && !QUIET_URLS.has(request.url)) logger[level](line(request, reply), 'request completed');
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    if (logger.isLevelEnabled('warn')) logger.warn({ req: { id: request.id, method: request.method, url: request.url } }, 'request aborted');
    done();
  });
}
