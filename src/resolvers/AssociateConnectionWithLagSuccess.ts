import type { AssociateConnectionWithLagSuccessResolvers } from '../__generated__/resolvers-types.js';

export const AssociateConnectionWithLagSuccess: AssociateConnectionWithLagSuccessResolvers = {
  // The LAG as it stands now: the mutation cleared it from the loader, so this reads it afresh.
  lag: ({ region, lagId }, _args, { loaders }) => loaders.lagById.load({ region, id: lagId }),
};
