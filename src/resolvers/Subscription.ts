import type { SubscriptionResolvers } from '../__generated__/resolvers-types.js';
import type { LiveEvent } from '../live/live.js';
import type { Connection, Lag, VirtualInterface } from '@aws-sdk/client-direct-connect';

// Live state (docs/contract.md, "Live state"): src/live/live.ts checks the input, reads
// the baseline and feeds the events; each is shaped here for its payload type.

export const Subscription: SubscriptionResolvers = {
  lagChanged: {
    subscribe: (_parent, { lagId, region }, context) => context.live.lagChanges(lagId, region, context),
    resolve: ({ entity, changes, observedAt }: LiveEvent) => ({ lag: entity as Lag | null, changes, observedAt }),
  },
  connectionChanged: {
    subscribe: (_parent, { connectionId, region }, context) => context.live.connectionChanges(connectionId, region, context),
    resolve: ({ entity, changes, observedAt }: LiveEvent) => ({ connection: entity as Connection | null, changes, observedAt }),
  },
  virtualInterfaceChanged: {
    subscribe: (_parent, { virtualInterfaceId, region }, context) => context.live.virtualInterfaceChanges(virtualInterfaceId, region, context),
    resolve: ({ entity, changes, observedAt }: LiveEvent) => ({ virtualInterface: entity as VirtualInterface | null, changes, observedAt }),
  },
};
