import { loadSnapshot, type Snapshot } from '../snapshot.js';

// What every peer server is given by bench/run.ts (its own process, environment
// only) and how it says it is ready: run.ts waits for "<name> ready at <url>".

export interface PeerSetup {
  snapshot: Snapshot;
  port: number;
}

/** The emulator's data, read once at start, and the port to listen on (0: any). */
export async function peerSetup(): Promise<PeerSetup> {
  const emulatorUrl = process.env.BENCH_EMULATOR_URL;
  const regions = (process.env.BENCH_REGIONS ?? 'us-east-1').split(',');
  const defaultRegion = process.env.BENCH_DEFAULT_REGION ?? regions[0]!;
  if (!emulatorUrl) {
    console.error('BENCH_EMULATOR_URL must name the emulator to snapshot');
    process.exit(1);
  }
  return { snapshot: await loadSnapshot(emulatorUrl, regions, defaultRegion), port: Number(process.env.PORT ?? 0) };
}

export function announceReady(name: string, url: string): void {
  console.log(`${name} ready at ${url}`);
}
