import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { audited, type ChangeRecording } from '../audit/audited.js';
import { requireRole } from '../auth/requireRole.js';
import { hasRole, OPERATE, READ } from '../auth/roles.js';
import { associateConnectionWithLag } from '../changes/associateConnectionWithLag.js';
import { startBgpFailoverTest, stopBgpFailoverTest } from '../changes/bgpFailoverTest.js';
import { disassociateConnectionFromLag } from '../changes/disassociateConnectionFromLag.js';
import { updateLagMinimumLinks } from '../changes/updateLagMinimumLinks.js';
import type { GatewayContext } from '../context.js';

// Every mutation changes live links, so every attempt is audited, refusals included;
// a dry run needs only dx:read, the change itself dx:operate. Only a real call the
// caller may make writes an intent record before it runs (docs/contract.md, "The
// mutations"), once its input is known to be valid: a FORBIDDEN one is a single
// record, and says FORBIDDEN even when the audit sink is down.
function attempt<I extends { dryRun?: boolean | null }, R extends object>(
  ctx: GatewayContext,
  operation: string,
  input: I,
  what: { dryRun: string; change: string },
  run: (recording: ChangeRecording | undefined) => Promise<R>,
) {
  const dryRun = input.dryRun === true;
  return audited(
    ctx.audit,
    ctx,
    operation,
    input,
    async (recording) => {
      requireRole(ctx.caller, dryRun ? READ : OPERATE, dryRun ? what.dryRun : what.change);
      return run(recording);
    },
    { change: !dryRun && hasRole(ctx.caller, OPERATE) },
  );
}

export const Mutation: MutationResolvers = {
  disassociateConnectionFromLag: (_parent, { input }, ctx) =>
    attempt(ctx, 'disassociateConnectionFromLag', input, { dryRun: 'run a dry-run disassociation', change: 'disassociate a connection from a LAG' }, (recording) =>
      disassociateConnectionFromLag(input, ctx, recording),
    ),

  associateConnectionWithLag: (_parent, { input }, ctx) =>
    attempt(ctx, 'associateConnectionWithLag', input, { dryRun: 'run a dry-run association', change: 'associate a connection with a LAG' }, (recording) =>
      associateConnectionWithLag(input, ctx, recording),
    ),

  updateLagMinimumLinks: (_parent, { input }, ctx) =>
    attempt(ctx, 'updateLagMinimumLinks', input, { dryRun: "run a dry-run update of a LAG's minimumLinks", change: "change a LAG's minimumLinks" }, (recording) =>
      updateLagMinimumLinks(input, ctx, recording),
    ),

  startBgpFailoverTest: (_parent, { input }, ctx) =>
    attempt(ctx, 'startBgpFailoverTest', input, { dryRun: 'run a dry-run BGP failover test', change: 'start a BGP failover test' }, (recording) =>
      startBgpFailoverTest(input, ctx, recording),
    ),

  stopBgpFailoverTest: (_parent, { input }, ctx) =>
    attempt(ctx, 'stopBgpFailoverTest', input, { dryRun: 'run a dry-run stop of a BGP failover test', change: 'stop a BGP failover test' }, (recording) =>
      stopBgpFailoverTest(input, ctx, recording),
    ),
};
