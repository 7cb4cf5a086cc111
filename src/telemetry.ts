import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

// The gateway's spans (docs/contract.md, "Tracing"), made through @opentelemetry/api,
// whose tracer does nothing until the SDK is started (startTracing in start.ts), so
// with tracing off each span costs a no-op call and the SDK is never even loaded. No
// span carries a secret, a token or an input value beyond the IDs a change names.

export const tracer = trace.getTracer('dxgraph');

/** Runs `fn` in a span of its own, ended however `fn` ends; `describe` adds what is known afterwards. */
export async function inSpan<T>(name: string, attributes: Record<string, string | number | boolean>, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Notes a cache event (hit, miss, coalesced, refresh) and its layer on the span running now. */
export function noteCacheEvent(event: string, layer: string): void {
  trace.getActiveSpan()?.addEvent(`cache.${event}`, { 'dxgraph.cache.layer': layer });
}
