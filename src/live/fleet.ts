import type { Observed } from './watched.js';

// Who polls a watched region, and how what it saw reaches every subscriber
// (docs/contract.md, "Live state"). Alone, this replica polls what its own
// subscribers watch and hands each poll to them. With REDIS_URL (redisFleet.ts),
// one replica per region holds a lease and polls what every replica's subscribers
// watch, and each poll reaches every replica through Redis pub/sub: the AWS calls
// per interval grow neither with subscribers nor with replicas.

/** One poll of a region: what each watched resource looks like now. */
export interface Observation {
  region: string;
  /** When the poll began reading AWS, epoch ms: a subscriber whose state was read later ignores it. */
  readAt: number;
  /** By watch key (watched.ts, watchKey). */
  items: Record<string, Observed>;
}

export interface FleetHandlers {
  /** A poll of a region, from whichever replica made it (this one included). */
  observed(observation: Observation): void;
  /** Some replica changed something in the region through the gateway: its watcher should look at once. */
  nudged(region: string): void;
}

export interface Fleet {
  /** Where observations and nudges arrive; set once, before anything is watched. */
  listen(handlers: FleetHandlers): void;
  /** Whether this replica is to poll the region: it holds its lease (renewed now) or has just taken it. */
  claim(region: string): Promise<boolean>;
  /** Gives the region's lease up: nothing is watched there any more. */
  release(region: string): Promise<void>;
  /** What this replica's subscribers watch in the region, for whichever replica polls it. */
  advertise(region: string, keys: readonly string[]): Promise<void>;
  /** Everything watched in the region, fleet-wide (`local`: this replica's own). */
  watched(region: string, local: readonly string[]): Promise<ReadonlySet<string>>;
  /** Hands a poll to every replica's subscribers. */
  publish(observation: Observation): Promise<void>;
  /** Asks the region's watcher, wherever it runs, to poll at once. */
  nudge(region: string): Promise<void>;
  close(): Promise<void>;
}

/** One replica: it polls everything its subscribers watch, and tells only them. */
export function createLocalFleet(): Fleet {
  let handlers: FleetHandlers | undefined;
  return {
    listen: (given) => {
      handlers = given;
    },
    claim: async () => true,
    release: async () => {},
    advertise: async () => {},
    watched: async (_region, local) => new Set(local),
    publish: async (observation) => handlers?.observed(observation),
    nudge: async (region) => handlers?.nudged(region),
    close: async () => {},
  };
}
