import type { StopBgpFailoverTestSuccessResolvers } from '../__generated__/resolvers-types.js';

export const StopBgpFailoverTestSuccess: StopBgpFailoverTestSuccessResolvers = {
  // The VIF as it stands now: the change cleared the request's listing, so this reads it afresh.
  virtualInterface: ({ region, virtualInterfaceId }, _args, { loaders }) => loaders.virtualInterfaceById({ region, id: virtualInterfaceId }),
};
