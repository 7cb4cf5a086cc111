import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { capturedLogger } from '../helpers/logger.js';

// OpenTelemetry tracing (docs/contract.md, "Tracing") through the official SDK to a
// real OTLP/HTTP receiver this test starts, speaking http/json: one trace per GraphQL
// request, continuing the caller's traceparent, with a span per AWS call carrying the
// request ID AWS (the emulator) gave it, and the trace ID in the request's log line.

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  events?: Array<{ name: string }>;
}

const spans: OtlpSpan[] = [];
let receiver: Server;
let gw: TestGateway;
const log = capturedLogger();

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
};

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const parsed = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
        for (const resource of parsed.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as { port: number };
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_SERVICE_NAME: 'dxgraph-under-test',
  };
  // The SDK reads process.env itself, as it would in production.
  Object.assign(process.env, otel);
  gw = await startTestGateway({ ...otel, LOG_LEVEL: 'info' }, { logger: log.logger });
});
afterAll(async () => {
  await gw?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it("sends one trace per request, continuing the caller's traceparent, with the AWS request IDs on the AWS call spans", async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${parentId}-01` },
      body: JSON.stringify({
        query: 'mutation Cut { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) { __typename ... on DisassociateConnectionFromLagSuccess { awsRequestId } } }',
      }),
    });
    const { data } = (await response.json()) as { data: { disassociateConnectionFromLag: { awsRequestId: string } } };
    const awsRequestId = data.disassociateConnectionFromLag.awsRequestId;
    expect(awsRequestId).toMatch(/^[0-9a-f-]{36}$/);

    await vi.waitFor(() => expect(spans.some((s) => s.name === 'DirectConnect.DisassociateConnectionFromLag')).toBe(true), { timeout: 10_000 });
    await vi.waitFor(() => expect(spans.some((s) => s.name === 'POST /graphql' && s.traceId === traceId)).toBe(true), { timeout: 10_000 });
    const ours = spans.filter((s) => s.traceId === traceId);
    expect(new Set(spans.filter((s) => s.name.startsWith('DirectConnect.')).map((s) => s.traceId))).toEqual(new Set([traceId]));

    const http = ours.find((s) => s.name === 'POST /graphql')!;
    expect(http.parentSpanId).toBe(parentId);
    expect(attribute(http, 'http.response.status_code')).toBe(200);

    const operation = ours.find((s) => s.name === 'graphql.operation')!;
    expect(attribute(operation, 'graphql.operation.name')).toBe('Cut');
    expect(attribute(operation, 'graphql.operation.type')).toBe('mutation');
    expect(attribute(operation, 'dxgraph.outcome')).toBe('success');

    const cut = ours.find((s) => s.name === 'DirectConnect.DisassociateConnectionFromLag')!;
    expect(attribute(cut, 'aws.request_id')).toBe(awsRequestId);
    expect(attribute(cut, 'cloud.region')).toBe('us-east-1');
    expect(attribute(cut, 'dxgraph.outcome')).toBe('success');
    expect(cut.parentSpanId).toBe(http.spanId);
    const reads = ours.filter((s) => s.name === 'DirectConnect.DescribeLags' || s.name === 'DirectConnect.DescribeVirtualInterfaces');
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const read of reads) expect(attribute(read, 'aws.request_id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(ours.filter((s) => s.name === 'audit.write').length).toBeGreaterThanOrEqual(2);

    const line = log.lines.find((l) => l.msg === 'request completed' && l.req?.url === '/graphql' && l.trace_id === traceId);
    expect(line).toBeDefined();
  });

  it('puts no credential, token or input value beyond IDs on a span', async () => {
    await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token-value', 'x-api-key': 'dxg_secret-key-value' },
      body: JSON.stringify({ query: '{ virtualInterfaces { virtualInterfaceId bgpPeers { bgpStatus } } }' }),
    });
    await vi.waitFor(() => expect(spans.some((s) => s.name === 'DirectConnect.DescribeVirtualInterfaces')).toBe(true), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const text = JSON.stringify(spans);
    for (const secret of ['secret-token-value', 'secret-key-value', 'SEEDED-BGP-MD5-', 'authorization']) expect(text).not.toContain(secret);
  });
});
