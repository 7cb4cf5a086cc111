import type { VirtualInterfaceTestResolvers } from '../__generated__/resolvers-types.js';

export const VirtualInterfaceTest: VirtualInterfaceTestResolvers = {
  // AWS lists every test with its ID; the service drops any without one.
  testId: (test) => test.testId ?? '',
  bgpPeers: (test) => test.bgpPeers ?? [],
  virtualInterface: (test, _args, { loaders }) =>
    test.virtualInterfaceId ? loaders.virtualInterfaceById({ region: test.region, id: test.virtualInterfaceId }) : null,
};
