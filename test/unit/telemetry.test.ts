import { trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { inActiveSpan, inSpan, spansFromNowOn } from '../../src/telemetry.js';

// src/telemetry.ts: with tracing off a span site must not reach the tracer at all
// (issue: tracing off costs nothing measurable). A tracer provider that counts what
// it is asked for stands in for the SDK; the real SDK is tested end to end in
// test/graphql/tracing.test.ts.

const asked: string[] = [];
const counting: Tracer = {
  startSpan: (name) => {
    asked.push(`startSpan ${name}`);
    return trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
  },
  startActiveSpan: ((name: string, ...rest: unknown[]) => {
    asked.push(`startActiveSpan ${name}`);
    const fn = rest[rest.length - 1] as (span: Span) => unknown;
    return fn(trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }));
  }) as Tracer['startActiveSpan'],
};
const provider: TracerProvider = { getTracer: () => counting };
trace.setGlobalTracerProvider(provider);
afterAll(() => trace.disable());

describe('span sites', () => {
  it('with tracing off, run the work with a span that does nothing and never ask the tracer', async () => {
    let given: Span | undefined;
    expect(inActiveSpan('DirectConnect.DescribeLags', {}, (span) => ((given = span), 7))).toBe(7);
    expect(given!.isRecording()).toBe(false);
    expect(given!.spanContext().traceId).toBe('0'.repeat(32));
    await expect(inSpan('audit.write', { 'dxgraph.audit.kind': 'attempt' }, async () => 'written')).resolves.toBe('written');
    await expect(inSpan('audit.write', {}, async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(asked).toEqual([]);
  });

  it('once the SDK has started, make every span through the tracer', async () => {
    spansFromNowOn();
    expect(inActiveSpan('DirectConnect.DescribeLags', {}, (span) => span.spanContext().traceId)).toBe('1'.repeat(32));
    await expect(inSpan('audit.write', {}, async () => 'written')).resolves.toBe('written');
    expect(asked).toEqual(['startActiveSpan DirectConnect.DescribeLags', 'startActiveSpan audit.write']);
  });
});
