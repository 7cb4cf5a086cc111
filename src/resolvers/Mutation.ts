import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { disassociateConnectionFromLag } from '../directconnect/disassociation.js';

export const Mutation: MutationResolvers = {
  disassociateConnectionFromLag: (_parent, { input }, ctx) => disassociateConnectionFromLag(input, ctx),
};
