import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { audited } from '../audit/audited.js';
import { requireRole } from '../auth/requireRole.js';
import { OPERATE, READ } from '../auth/roles.js';
import { disassociateConnectionFromLag } from '../changes/disassociateConnectionFromLag.js';
import { planTokenDigest } from '../changes/plan.js';

/** The input as the audit trail keeps it: a plan token (a long opaque blob, any size a caller sends) by its digest. */
const forAudit = <I extends { expectedPlanToken?: string | null }>(input: I) =>
  typeof input.expectedPlanToken === 'string' ? { ...input, expectedPlanToken: planTokenDigest(input.expectedPlanToken) } : input;

export const Mutation: MutationResolvers = {
  // Cuts a live link, so every attempt is audited, refusals included; a dry run needs only dx:read.
  disassociateConnectionFromLag: (_parent, { input }, ctx) =>
    audited(ctx.audit, ctx, 'disassociateConnectionFromLag', forAudit(input), async () => {
      requireRole(ctx.caller, input.dryRun ? READ : OPERATE, input.dryRun ? 'run a dry-run disassociation' : 'disassociate a connection from a LAG');
      return disassociateConnectionFromLag(input, ctx);
    }),
};
