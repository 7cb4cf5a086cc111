import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIGS, isRef, NAMED_CONFIGS, type ConfigName } from './configs.js';
import { REF_PREFIX, resolveRef, type GitRef } from './refs.js';

// The run's settings, from BENCH_* environment variables, every one checked before
// anything starts: a typo or a bad value stops the run with exit code 2 and says why.

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const HELP: Record<string, string> = {
  BENCH_DURATION_S: 'seconds of measured load per operation and round',
  BENCH_WARMUP_S: 'seconds of warm-up before each measured run',
  BENCH_CONNECTIONS: 'concurrent connections of the load tool',
  BENCH_ROUNDS: 'rounds: each runs every configuration on every operation',
  BENCH_FLOOR_S: 'seconds of in-process graphql-js per operation',
  BENCH_SOAK_S: 'seconds of the memory soak on shipped (0 skips it)',
  BENCH_LATENCY_MS: "the emulator's latency per AWS call",
  BENCH_CONFIGS: `configurations, comma-separated (${NAMED_CONFIGS.join(', ')}, ${REF_PREFIX}<commit>)`,
  BENCH_REFS: 'commits to build and run as ref:<shortsha>, comma-separated',
  BENCH_PIN: 'on (default) or off: pin the server under test and the load tool to separate CPUs',
};

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function whole(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) fail(`${name} must be a whole number ≥ ${min} (got "${raw}"): ${HELP[name]}`);
  return value;
}

function list(name: string): string[] | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const items = raw.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) fail(`${name} has an empty entry (got "${raw}")`);
  const twice = items.find((item, i) => items.indexOf(item) !== i);
  if (twice) fail(`${name} lists "${twice}" twice`);
  return items;
}

function resolveOrFail(setting: string, asked: string): GitRef {
  const ref = resolveRef(ROOT, asked);
  if (!ref) fail(`${setting}: "${asked}" names no commit of this repository (git rev-parse found none)`);
  return ref;
}

for (const name of Object.keys(process.env)) {
  if (name.startsWith('BENCH_') && !(name in HELP)) {
    fail(`unknown setting ${name}; the benchmark reads:\n${Object.entries(HELP).map(([n, h]) => `  ${n}: ${h}`).join('\n')}`);
  }
}

const pin = (process.env.BENCH_PIN ?? 'on').trim() || 'on';
if (pin !== 'on' && pin !== 'off') fail(`BENCH_PIN must be "on" or "off" (got "${process.env.BENCH_PIN}")`);

export const settings = {
  // 5 configurations × 4 operations × 3 rounds of 3 + 10 s, the floor, the soak and
  // the bursts: about 18 minutes on a 2-core machine. A 2 s warm-up left the first
  // run of a fresh process ~10% slow on list (V8 still optimising).
  durationS: whole('BENCH_DURATION_S', 10, 1),
  warmupS: whole('BENCH_WARMUP_S', 3, 1),
  connections: whole('BENCH_CONNECTIONS', 10, 1),
  rounds: whole('BENCH_ROUNDS', 3, 1),
  floorS: whole('BENCH_FLOOR_S', 3, 1),
  soakS: whole('BENCH_SOAK_S', 60, 0),
  latencyMs: whole('BENCH_LATENCY_MS', 50, 0),
  pin: pin === 'on',
};

/**
 * The commits to build: BENCH_REFS, and any `ref:<commit>` BENCH_CONFIGS names. Two
 * spellings of one commit are one configuration.
 */
const askedRefs = list('BENCH_REFS') ?? [];
const askedConfigs = list('BENCH_CONFIGS');
const refs = new Map<string, GitRef>();
for (const asked of askedRefs) {
  const ref = resolveOrFail('BENCH_REFS', asked);
  if (!refs.has(ref.sha)) refs.set(ref.sha, ref);
}

const configs: ConfigName[] = [];
for (const config of askedConfigs ?? DEFAULT_CONFIGS) {
  let name: ConfigName;
  if (isRef(config)) {
    const ref = resolveOrFail('BENCH_CONFIGS', config.slice(REF_PREFIX.length));
    if (!refs.has(ref.sha)) refs.set(ref.sha, ref);
    name = refs.get(ref.sha)!.name;
  } else if ((NAMED_CONFIGS as string[]).includes(config)) {
    name = config as ConfigName;
  } else {
    fail(`BENCH_CONFIGS: unknown configuration "${config}" (known: ${NAMED_CONFIGS.join(', ')}, or ${REF_PREFIX}<commit>)`);
  }
  if (configs.includes(name)) fail(`BENCH_CONFIGS names ${name} twice`);
  configs.push(name);
}
// BENCH_REFS adds its configurations after the others, unless BENCH_CONFIGS placed them.
for (const ref of refs.values()) if (!configs.includes(ref.name)) configs.push(ref.name);

export const selectedConfigs: readonly ConfigName[] = configs;
export const selectedRefs: readonly GitRef[] = [...refs.values()];
