import { INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type SpanOptions } from '@opentelemetry/api';

// The gateway's spans (docs/contract.md, "Tracing"), made through @opentelemetry/api.
// With tracing off the SDK is never loaded, and every span site below costs one
// boolean check: no tracer call, no context lookup, no span object. No span carries
// a secret, a token or an input value beyond the IDs a change names.

export const tracer = trace.getTracer('dxgraph');

let tracing = false;

/** Called once the SDK has started (tracing.ts): spans are made from then on. */
export function spansFromNowOn(): void {
  tracing = true;
}

/** What a span site is given when tracing is off: a span whose every method does nothing. */
const NO_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Runs `fn` in an active span of its own when tracing is on; `fn` ends it. */
export function inActiveSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => T): T {
  return tracing ? tracer.startActiveSpan(name, options, fn) : fn(NO_SPAN);
}

/** Runs `fn` in a span of its own, ended however `fn` ends. (Not async itself: off, it adds no promise of its own.) */
export function inSpan<T>(name: string, attributes: Record<string, string | number | boolean>, fn: () => Promise<T>): Promise<T> {
  if (!tracing) return fn();
  return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await fn();
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
  if (tracing) trace.getActiveSpan()?.addEvent(`cache.${event}`, { 'dxgraph.cache.layer': layer });
}
