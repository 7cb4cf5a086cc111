import { Faults } from './faults.js';
import { settleFailoverTests } from './rules.js';
import { seedStores } from './seed.js';
import type { EmulatorSeed } from './seedRegions.js';
import type { RegionStores } from './regionStore.js';

const MINUTE_MS = 60_000;

/** Everything one emulator instance holds; reset() returns it to how it started. */
export class EmulatorState {
  stores: RegionStores;
  readonly stats = new Map<string, number>();
  readonly faults = new Faults();
  /**
   * How far the emulator's clock runs ahead of the real one (POST /_emulator/clock):
   * every call's now is Date.now() plus this, so a test can let hours pass at once.
   */
  private offsetMinutes = 0;

  constructor(
    readonly seed: EmulatorSeed,
    readonly transitionMs: number,
    readonly latencyMs: number,
  ) {
    this.stores = seedStores(seed, Date.now());
  }

  /** The emulator's time, epoch milliseconds: what every operation and control takes as now. */
  now(): number {
    return Date.now() + this.offsetMinutes * MINUTE_MS;
  }

  clock(): { now: string; offsetMinutes: number } {
    return { now: new Date(this.now()).toISOString(), offsetMinutes: this.offsetMinutes };
  }

  /** Moves the clock forward; the failover tests that are then due end at once. */
  advanceClock(minutes: number): { now: string; offsetMinutes: number } {
    this.offsetMinutes += minutes;
    this.settle(this.now());
    return this.clock();
  }

  /** What happens by itself as time passes, brought up to `now`: failover tests that ran their time end. */
  settle(now: number): void {
    settleFailoverTests(this.stores, now);
  }

  count(operation: string): void {
    this.stats.set(operation, (this.stats.get(operation) ?? 0) + 1);
  }

  /** Reseeds as of now, the clock set back to the real one: the seeded traffic and Health events are placed relative to the reset. */
  reset(): void {
    this.offsetMinutes = 0;
    this.stores = seedStores(this.seed, Date.now());
    this.stats.clear();
    this.faults.clear();
  }
}
