import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultRule, FaultSpec } from './faults.js';
import { createRequestListener } from './router.js';
import { seedRegions, type EmulatorSeed } from './seedRegions.js';
import { EmulatorState } from './state.js';

export { DEMO_ACCOUNT_ID, SEEDED_SECRET_MARKER } from './seed.js';
export type { EmulatorSeed } from './seedRegions.js';
export type { FaultRule, FaultSpec, FaultType } from './faults.js';

export interface EmulatorOptions {
  /** Default 'demo'. */
  seed?: EmulatorSeed;
  /** How long a just-disassociated/associated connection stays "transitioning"; default 5000. */
  transitionMs?: number;
  /** Fixed delay added to every AWS call (not to /_emulator/); default 0. */
  latencyMs?: number;
}

export interface Emulator {
  readonly server: Server;
  /** Resolves to the base URL, e.g. http://127.0.0.1:4566; port 0 picks a free port. */
  listen(port: number, host?: string): Promise<string>;
  /** Closes the server and every open socket, so tests never hang on keep-alive. */
  close(): Promise<void>;
  /** Reseeds the stores, zeroes the stats, clears the faults and sets the clock back to the real time. */
  reset(): void;
  /** The same as POST /_emulator/clock: moves the emulator's time forward by whole minutes (at least 1); due failover tests end. */
  advanceClock(minutes: number): { now: string; offsetMinutes: number };
  /** The same as GET /_emulator/clock. */
  clock(): { now: string; offsetMinutes: number };
  /** Requests per operation name since start or reset. */
  stats(): Record<string, number>;
  /** The seeded regions, e.g. ['us-east-1', 'eu-west-1']. */
  regions(): string[];
  /** The same fault rules as /_emulator/faults. */
  readonly faults: {
    add(spec: FaultSpec): FaultRule;
    list(): FaultRule[];
    clear(): void;
  };
}

/**
 * A Direct Connect emulator in the kinesalite style, a plain http.Server, that also
 * answers CloudWatch GetMetricData (AWS JSON 1.0, Smithy RPC v2 CBOR, query) and
 * AWS Health's DescribeEvents and DescribeAffectedEntities on the same port.
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const state = new EmulatorState(options.seed ?? 'demo', options.transitionMs ?? 5000, options.latencyMs ?? 0);
  const server = createServer(createRequestListener(state));

  return {
    server,
    faults: state.faults,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${urlHost}:${address.port}`);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    reset: () => state.reset(),
    advanceClock: (minutes) => {
      if (!Number.isInteger(minutes) || minutes < 1) throw new RangeError(`advanceClock takes a whole number of minutes, at least 1; got ${minutes}.`);
      return state.advanceClock(minutes);
    },
    clock: () => state.clock(),
    stats: () => Object.fromEntries(state.stats),
    regions: () => seedRegions(state.seed),
  };
}
