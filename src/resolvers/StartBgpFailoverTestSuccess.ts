import type { StartBgpFailoverTestSuccessResolvers } from '../__generated__/resolvers-types.js';

export const StartBgpFailoverTestSuccess: StartBgpFailoverTestSuccessResolvers = {
  // The VIF as it stands now: the change cleared the request's listing, so this reads it afresh.
  virtualInterface: ({ region, virtualInterfaceId }, _args, { loaders }) => loaders.virtualInterfaceById({ region, id: virtualInterfaceId }),
};
