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
    this.stores = seedStores(seed);
  }

  count(operation: string): void {
    this.stats.set(operation, (this.stats.get(operation) ?? 0) + 1);
  }

  reset(): void {
    this.stores = seedStores(this.seed);
    this.stats.clear();
    this.faults.clear();
  }
}
