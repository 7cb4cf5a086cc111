import { Faults } from './faults.js';
import { seedStores } from './seed.js';
import type { EmulatorSeed } from './seedRegions.js';
import type { RegionStores } from './regionStore.js';

/** Everything one emulator instance holds; reset() returns it to how it started. */
export class EmulatorState {
  stores: RegionStores;
  readonly stats = new Map<string, number>();
  readonly faults = new Faults();

  constructor(
    readonly seed: EmulatorSeed,
    readonly transitionMs: number,
    readonly latencyMs: number,
  ) {
    this.stores = seedStores(seed, Date.now());
  }

  count(operation: string): void {
    this.stats.set(operation, (this.stats.get(operation) ?? 0) + 1);
  }

  /** Reseeds as of now: the seeded traffic and Health events are placed relative to the reset. */
  reset(): void {
    this.stores = seedStores(this.seed, Date.now());
    this.stats.clear();
    this.faults.clear();
  }
}
