import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { audited } from '../audit/audited.js';
import { requireRole } from '../auth/requireRole.js';
import { OPERATE, READ } from '../auth/roles.js';
import { associateConnectionWithLag } from '../changes/associateConnectionWithLag.js';
import { disassociateConnectionFromLag } from '../changes/disassociateConnectionFromLag.js';
import { updateLagMinimumLinks } from '../changes/updateLagMinimumLinks.js';

// Every mutation changes live links, so every attempt is audited, refusals included;
// a dry run needs only dx:read, the change itself dx:operate.
export const Mutation: MutationResolvers = {
  disassociateConnectionFromLag: (_parent, { input }, ctx) =>
    audited(ctx.audit, ctx, 'disassociateConnectionFromLag', input, async () => {
      requireRole(ctx.caller, input.dryRun ? READ : OPERATE, input.dryRun ? 'run a dry-run disassociation' : 'disassociate a connection from a LAG');
      return disassociateConnectionFromLag(input, ctx);
    }, { change: !input.dryRun }),

  associateConnectionWithLag: (_parent, { input }, ctx) =>
    audited(ctx.audit, ctx, 'associateConnectionWithLag', input, async () => {
      requireRole(ctx.caller, input.dryRun ? READ : OPERATE, input.dryRun ? 'run a dry-run association' : 'associate a connection with a LAG');
      return associateConnectionWithLag(input, ctx);
    }, { change: !input.dryRun }),

  updateLagMinimumLinks: (_parent, { input }, ctx) =>
    audited(ctx.audit, ctx, 'updateLagMinimumLinks', input, async () => {
      requireRole(ctx.caller, input.dryRun ? READ : OPERATE, input.dryRun ? "run a dry-run update of a LAG's minimumLinks" : "change a LAG's minimumLinks");
      return updateLagMinimumLinks(input, ctx);
    }, { change: !input.dryRun }),
};
