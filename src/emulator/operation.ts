import type { JsonObject } from './protocol.js';
import type { Wire } from './shapes.js';
import type { RegionStore, RegionStores } from './regionStore.js';

export interface OperationContext {
  /** The store of the region named by the request's credential scope. */
  store: RegionStore;
  /** Every region's store and what belongs to the account: Direct Connect gateways, Health events. */
  stores: RegionStores;
  /** Epoch milliseconds of this request. */
  now: number;
  /** How long a connection stays "transitioning" after joining or leaving a LAG. */
  transitionMs: number;
}

/** One AWS operation: validates its input, then reads or changes the store. */
export type Operation = (input: JsonObject, context: OperationContext) => Wire;
