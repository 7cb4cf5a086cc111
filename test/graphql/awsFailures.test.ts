import { describe, expect, it } from 'vitest';
import { startTestGateway, useTestGateway } from '../helpers/gateway.js';

// AWS failing in each way the emulator's fault controls can make it fail
// (docs/contract.md, "Emulator"). Queries answer typed entries in `errors[]`; the
// mutation answers typed union members (docs/contract.md, "Errors"). The process
// keeps serving afterwards.

// One attempt, so each fault reaches the gateway unretried; a short timeout for latency faults.
const gw = useTestGateway({ DX_MAX_ATTEMPTS: '1', DX_TIMEOUT_MS: '300' });

const LAGS = `{ lags { lagId } }`;
const MUTATION = `mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) {
  __typename ... on DirectConnectError { code message retryable } ... on AwsServiceError { awsErrorName awsRequestId } ... on Throttled { awsRequestId } } }`;

describe.each([
  { fault: { type: 'throttle' }, code: 'THROTTLED', member: 'Throttled' },
  { fault: { type: 'server-error' }, code: 'AWS_SERVER_ERROR', member: 'AwsServiceError' },
  { fault: { type: 'garbage' }, code: 'AWS_UNAVAILABLE', member: 'AwsServiceError' },
  { fault: { type: 'malformed-json' }, code: 'AWS_UNAVAILABLE', member: 'AwsServiceError' },
  { fault: { type: 'drop' }, code: 'AWS_UNAVAILABLE', member: 'AwsServiceError' },
  { fault: { type: 'latency', latencyMs: 1500 }, code: 'AWS_UNAVAILABLE', member: 'AwsServiceError' },
])('when AWS answers with $fault.type', ({ fault, code, member }) => {
  it(`a query gets a retryable ${code} error and null data`, async () => {
    await gw.fault({ ...fault, operation: 'DescribeLags' });
    const { status, body } = await gw.graphql(LAGS);
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code, retryable: true });
    expect(body.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/Retry/);
  });

  it(`the mutation answers the typed member ${member} (${code})`, async () => {
    await gw.fault({ ...fault, operation: 'DisassociateConnectionFromLag' });
    const { body } = await gw.graphql(MUTATION);
    expect(body.errors).toBeUndefined();
    expect(body.data.disassociateConnectionFromLag).toMatchObject({ __typename: member, code, retryable: true });
  });

  it('the gateway serves normally once the fault is gone', async () => {
    await gw.fault({ ...fault, operation: 'DescribeLags', count: 1 });
    await gw.graphql(LAGS);
    const { body } = await gw.graphql(LAGS);
    expect(body.errors).toBeUndefined();
    expect(body.data.lags.length).toBeGreaterThan(0);
  });
});

describe('AWS request IDs', () => {
  it('carries the AWS request ID of a server error into extensions.awsRequestId', async () => {
    await gw.fault({ type: 'server-error', operation: 'DescribeLags' });
    const { body } = await gw.graphql(LAGS);
    expect(body.errors?.[0]?.extensions?.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('the SDK’s own retries', () => {
  it('hide a single throttle when attempts allow it', async () => {
    const patient = await startTestGateway({ DX_MAX_ATTEMPTS: '3' });
    try {
      await patient.fault({ type: 'throttle', operation: 'DescribeLags', count: 1 });
      const { body } = await patient.graphql(LAGS);
      expect(body.errors).toBeUndefined();
      expect((await patient.awsCalls()).DescribeLags).toBe(2);
    } finally {
      await patient.stop();
    }
  });
});
