import { describe, expect, it } from 'vitest';
import { startTestGateway, totalCalls, useTestGateway } from '../helpers/gateway.js';

// updateLagMinimumLinks over real HTTP against npm start's wiring and the demo seed
// (docs/contract.md, "The mutations"): the way to unblock a minimum-links refusal,
// its bounds, its impact, and the plan a value that takes the LAG down requires.

const gw = useTestGateway({ DX_EMULATOR_TRANSITION_MS: '0' });

const RESULT = `__typename
  ... on UpdateLagMinimumLinksSuccess {
    dryRun awsRequestId planToken
    lag { lagId minimumLinks lagState }
    impact { minimumLinks minimumLinksBefore operationalConnectionsBefore operationalConnectionsAfter membersFreeToLeave membersHeldByMinimumLinks warnings { code message } }
  }
  ... on DirectConnectError { code message retryable }
  ... on InvalidInput { field }
  ... on PlanRequired { warnings { code } }`;

async function update(input: Record<string, unknown>) {
  const { body } = await gw.graphql(`mutation($input: UpdateLagMinimumLinksInput!) { updateLagMinimumLinks(input: $input) { ${RESULT} } }`, { input });
  expect(body.errors).toBeUndefined();
  return body.data.updateLagMinimumLinks;
}

async function disassociate(input: Record<string, unknown>) {
  const { body } = await gw.graphql(
    `mutation($input: DisassociateConnectionFromLagInput!) { disassociateConnectionFromLag(input: $input) { __typename ... on MinimumLinksViolation { allowingMinimumLinks } } }`,
    { input },
  );
  return body.data.disassociateConnectionFromLag;
}

describe('updateLagMinimumLinks', () => {
  it('unblocks a refused disassociation: lowered to the value the refusal names, the disassociation goes through', async () => {
    const refused = await disassociate({ connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-minlink01' });
    expect(refused).toEqual({ __typename: 'MinimumLinksViolation', allowingMinimumLinks: 1 });

    const dry = await update({ lagId: 'dxlag-minlink01', minimumLinks: refused.allowingMinimumLinks, dryRun: true });
    expect(dry).toMatchObject({
      __typename: 'UpdateLagMinimumLinksSuccess',
      dryRun: true,
      awsRequestId: null,
      lag: { minimumLinks: 2 },
      impact: { minimumLinks: 1, minimumLinksBefore: 2, membersFreeToLeave: ['dxcon-minlnk1a', 'dxcon-minlnk1b'], membersHeldByMinimumLinks: [] },
    });
    expect((await gw.awsCalls()).UpdateLag ?? 0).toBe(0);

    const real = await update({ lagId: 'dxlag-minlink01', minimumLinks: 1 });
    expect(real).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', dryRun: false, lag: { minimumLinks: 1, lagState: 'AVAILABLE' } });
    expect(real.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await disassociate({ connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-minlink01' })).__typename).toBe('DisassociateConnectionFromLagSuccess');
  });

  it('shows LAG_GOES_DOWN for a value above the operational members, applies it only with that plan, and the LAG goes down', async () => {
    const dry = await update({ lagId: 'dxlag-full0001', minimumLinks: 4, dryRun: true });
    expect(dry.impact.warnings.map((w: { code: string }) => w.code)).toContain('LAG_GOES_DOWN');
    expect(dry.impact).toMatchObject({ operationalConnectionsAfter: 3, minimumLinks: 4 });

    const unplanned = await update({ lagId: 'dxlag-full0001', minimumLinks: 4 });
    expect(unplanned).toMatchObject({ __typename: 'PlanRequired', code: 'PLAN_REQUIRED', retryable: false, warnings: [{ code: 'LAG_GOES_DOWN' }] });
    expect(unplanned.message).toContain('needs a reviewed plan');
    expect((await gw.awsCalls()).UpdateLag ?? 0).toBe(0);

    const planned = await update({ lagId: 'dxlag-full0001', minimumLinks: 4, expectedPlanToken: dry.planToken });
    expect(planned).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', lag: { minimumLinks: 4, lagState: 'DOWN' } });

    const restored = await update({ lagId: 'dxlag-full0001', minimumLinks: 1 });
    expect(restored.lag).toMatchObject({ minimumLinks: 1, lagState: 'AVAILABLE' });
  });

  it('warns LAG_GOES_DOWN for a raise on a LAG that is down already, and still wants the plan', async () => {
    for (const connectionId of ['dxcon-full001a', 'dxcon-full001b', 'dxcon-full001c']) {
      await fetch(`${gw.emulatorUrl}/_emulator/connection-state`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ region: 'us-east-1', connectionId, connectionState: 'down' }),
      });
    }
    const dry = await update({ lagId: 'dxlag-full0001', minimumLinks: 2, dryRun: true });
    expect(dry.impact.warnings[0]).toEqual({
      code: 'LAG_GOES_DOWN',
      message: 'LAG dxlag-full0001 has 0 operational connections, below the new minimumLinks of 2: it goes down (or stays down) and carries no traffic until 2 of its members are available.',
    });
    expect(await update({ lagId: 'dxlag-full0001', minimumLinks: 2 })).toMatchObject({ __typename: 'PlanRequired', warnings: [{ code: 'LAG_GOES_DOWN' }] });
    // Lowering a LAG that is down needs no plan: it cannot take it down further.
    expect((await update({ lagId: 'dxlag-full0001', minimumLinks: 0 })).__typename).toBe('UpdateLagMinimumLinksSuccess');
  });

  it("warns LAG_GOES_DOWN when minimumLinks 0 was all that kept a LAG with no operational member 'available'", async () => {
    for (const connectionId of ['dxcon-partnr1a', 'dxcon-partnr1b']) {
      await fetch(`${gw.emulatorUrl}/_emulator/connection-state`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ region: 'eu-west-1', connectionId, connectionState: 'down' }),
      });
    }
    const dry = await update({ lagId: 'dxlag-partner01', region: 'eu-west-1', minimumLinks: 1, dryRun: true });
    expect(dry.impact.warnings.map((w: { code: string }) => w.code)).toEqual(['LAG_GOES_DOWN']);
  });

  it('warns AT_MINIMUM_LINKS for a value equal to the operational members', async () => {
    const dry = await update({ lagId: 'dxlag-allow001', minimumLinks: 3, dryRun: true });
    expect(dry.impact.warnings.map((w: { code: string }) => w.code)).toEqual(['AT_MINIMUM_LINKS']);
    expect(dry.impact.membersHeldByMinimumLinks).toEqual(['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c']);
  });

  it('refuses a value above the member count, or below 0, as InvalidInput on minimumLinks before AWS', async () => {
    for (const [minimumLinks, dryRun] of [[4, true], [4, false], [-1, false]] as const) {
      const result = await update({ lagId: 'dxlag-allow001', minimumLinks, dryRun });
      expect(result).toMatchObject({ __typename: 'InvalidInput', field: 'minimumLinks' });
    }
    expect((await gw.awsCalls()).UpdateLag ?? 0).toBe(0);
  });

  it('answers LagNotFound for a LAG that does not exist, and refuses a malformed one before any AWS call', async () => {
    expect((await update({ lagId: 'dxlag-zzzzzzzz', minimumLinks: 1 })).__typename).toBe('LagNotFound');
    await gw.reset();
    expect(await update({ lagId: 'dxcon-allow01a', minimumLinks: 1 })).toMatchObject({ __typename: 'InvalidInput', field: 'lagId' });
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('refuses a plan made for another value', async () => {
    const dry = await update({ lagId: 'dxlag-full0001', minimumLinks: 4, dryRun: true });
    const result = await update({ lagId: 'dxlag-full0001', minimumLinks: 3, expectedPlanToken: dry.planToken });
    expect(result).toMatchObject({ __typename: 'StateChanged' });
    expect(result.message).toContain('the plan was made for minimumLinks 4, not 3');
  });
});

describe('updateLagMinimumLinks and AWS maintenance', () => {
  it('needs a plan on a LAG with maintenance announced on a member, and goes through with it', async () => {
    const unplanned = await update({ lagId: 'dxlag-maint001', minimumLinks: 2 });
    expect(unplanned).toMatchObject({ __typename: 'PlanRequired', code: 'PLAN_REQUIRED', warnings: [{ code: 'MAINTENANCE_ON_REMAINING_PATH' }] });
    expect((await gw.awsCalls()).UpdateLag ?? 0).toBe(0);
    const dry = await update({ lagId: 'dxlag-maint001', minimumLinks: 2, dryRun: true });
    const planned = await update({ lagId: 'dxlag-maint001', minimumLinks: 2, expectedPlanToken: dry.planToken });
    expect(planned).toMatchObject({ __typename: 'UpdateLagMinimumLinksSuccess', lag: { minimumLinks: 2 } });
  });

  it('needs no plan when DX_PLAN_REQUIRED_FOR is empty', async () => {
    const open = await startTestGateway({ DX_PLAN_REQUIRED_FOR: '' });
    try {
      const { body } = await open.graphql(`mutation { updateLagMinimumLinks(input: { lagId: "dxlag-full0001", minimumLinks: 4 }) { __typename } }`);
      expect(body.data.updateLagMinimumLinks.__typename).toBe('UpdateLagMinimumLinksSuccess');
    } finally {
      await open.stop();
    }
  });
});
