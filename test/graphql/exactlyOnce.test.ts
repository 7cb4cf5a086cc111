import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';

// clientRequestId on one replica, with the in-memory records (docs/contract.md,
// "Exactly once, one at a time"): the first outcome again, marked replayed, without
// a second AWS call; a different input refused; what is worth retrying not kept; dry
// runs not stored. Across replicas through Redis: test/security/changesAcrossReplicas.test.ts.

const gw = useTestGateway({ DX_EMULATOR_TRANSITION_MS: '0' });

const UPDATE = `mutation($input: UpdateLagMinimumLinksInput!) { updateLagMinimumLinks(input: $input) {
  __typename
  ... on UpdateLagMinimumLinksSuccess { dryRun replayed awsRequestId planToken lag { minimumLinks } }
  ... on DirectConnectError { code retryable replayed }
  ... on InvalidInput { field message }
} }`;

async function update(input: Record<string, unknown>) {
  const { body } = await gw.graphql(UPDATE, { input });
  expect(body.errors).toBeUndefined();
  return body.data.updateLagMinimumLinks;
}

describe('clientRequestId', () => {
  it('answers a duplicate with the first outcome, replayed, and calls AWS once', async () => {
    const input = { lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'raise-allow' };
    const first = await update(input);
    expect(first).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', replayed: false, lag: { minimumLinks: 2 } });
    // Someone else changes the LAG meanwhile; the duplicate must not undo it.
    await update({ lagId: 'dxlag-allow001', minimumLinks: 3 });
    const again = await update(input);
    expect(again).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', replayed: true, awsRequestId: first.awsRequestId, lag: { minimumLinks: 3 } });
    expect((await gw.awsCalls()).UpdateLag).toBe(2);
  });

  it('makes concurrent duplicates wait for the first and share its outcome', async () => {
    const input = { lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'concurrent-1' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => update(input)));
    expect(answers.filter((a) => a.replayed)).toHaveLength(4);
    expect(new Set(answers.map((a) => a.awsRequestId)).size).toBe(1);
    expect((await gw.awsCalls()).UpdateLag).toBe(1);
  });

  it('refuses the same ID with another input as InvalidInput on clientRequestId, before AWS', async () => {
    await update({ lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'one-change' });
    const other = await update({ lagId: 'dxlag-allow001', minimumLinks: 1, clientRequestId: 'one-change' });
    expect(other).toMatchObject({ __typename: 'InvalidInput', field: 'clientRequestId' });
    expect(other.message).toContain('different updateLagMinimumLinks input');
    expect((await gw.awsCalls()).UpdateLag).toBe(1);
  });

  it('keeps a refusal, but not an outcome worth retrying: a retry after throttling runs again', async () => {
    const refused = await update({ lagId: 'dxlag-allow001', minimumLinks: 4, clientRequestId: 'too-high' });
    expect(refused).toMatchObject({ __typename: 'InvalidInput', field: 'minimumLinks', replayed: false });
    expect(await update({ lagId: 'dxlag-allow001', minimumLinks: 4, clientRequestId: 'too-high' })).toMatchObject({ replayed: true });

    await gw.fault({ type: 'throttle', operation: 'UpdateLag', count: 3 });
    const throttled = await update({ lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'after-throttle' });
    expect(throttled).toMatchObject({ __typename: 'Throttled', retryable: true, replayed: false });
    const retried = await update({ lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'after-throttle' });
    expect(retried).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', replayed: false, lag: { minimumLinks: 2 } });
  });

  it('keeps an outcome that says AWS may have made the change, so a retry cannot make it twice', async () => {
    await gw.fault({ type: 'drop', operation: 'UpdateLag', count: 10 });
    const lost = await update({ lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'answer-lost' });
    expect(lost).toMatchObject({ __typename: 'AwsServiceError', code: 'AWS_UNAVAILABLE', retryable: true, replayed: false });
    const sent = (await gw.awsCalls()).UpdateLag;
    await gw.clearFaults();
    const retried = await update({ lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'answer-lost' });
    expect(retried).toMatchObject({ __typename: 'AwsServiceError', code: 'AWS_UNAVAILABLE', replayed: true });
    expect((await gw.awsCalls()).UpdateLag).toBe(sent);
  });

  it('does not store dry runs: a dry run and then the real call with the same ID both run', async () => {
    const dry = await update({ lagId: 'dxlag-allow001', minimumLinks: 2, dryRun: true, clientRequestId: 'dry-then-real' });
    expect(dry).toMatchObject({ dryRun: true, replayed: false });
    const real = await update({ lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'dry-then-real' });
    expect(real).toMatchObject({ dryRun: false, replayed: false });
    expect((await gw.awsCalls()).UpdateLag).toBe(1);
  });
});

describe('clientRequestId with a plan', () => {
  let now = Date.parse('2026-11-26T10:00:00Z');
  const clocked = useTestGateway({ DX_EMULATOR_TRANSITION_MS: '0' }, { now: () => now });

  it('replays the first outcome to a retry after the plan expired, rather than calling the plan too old', async () => {
    const send = async (input: Record<string, unknown>) => (await clocked.graphql(UPDATE, { input })).body.data.updateLagMinimumLinks;
    const dry = await send({ lagId: 'dxlag-allow001', minimumLinks: 2, dryRun: true });
    expect(dry.planToken).toMatch(/^p1\./);
    const input = { lagId: 'dxlag-allow001', minimumLinks: 2, expectedPlanToken: dry.planToken, clientRequestId: 'planned-raise' };
    const first = await send(input);
    expect(first).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', replayed: false });
    now += 16 * 60 * 1000;
    expect(await send(input)).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', replayed: true, awsRequestId: first.awsRequestId });
    // A new ID with the expired plan is refused as too old.
    expect((await send({ ...input, clientRequestId: 'planned-raise-2' })).__typename).toBe('StateChanged');
    expect((await clocked.awsCalls()).UpdateLag).toBe(1);
  });

  it('binds the ID to the resolved input: leaving out the default region or a null plan is the same input', async () => {
    const first = await (await clocked.graphql(UPDATE, { input: { lagId: 'dxlag-allow001', minimumLinks: 2, clientRequestId: 'same-input' } })).body.data.updateLagMinimumLinks;
    const again = await (
      await clocked.graphql(UPDATE, { input: { lagId: 'dxlag-allow001', minimumLinks: 2, region: 'us-east-1', expectedPlanToken: null, clientRequestId: 'same-input' } })
    ).body.data.updateLagMinimumLinks;
    expect(first.replayed).toBe(false);
    expect(again).toMatchObject({ replayed: true, awsRequestId: first.awsRequestId });
  });
});
