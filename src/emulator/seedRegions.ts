// Which regions each seed fills, apart from the seed data itself, so that the
// gateway's settings (src/config.ts) can know the regions it will serve without
// loading the emulator.

export type EmulatorSeed = 'demo' | 'large';

export const LARGE_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

export function seedRegions(seed: EmulatorSeed): string[] {
  return seed === 'demo' ? ['us-east-1', 'eu-west-1'] : [...LARGE_REGIONS];
}
