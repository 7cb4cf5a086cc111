import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GATEWAY_VARIANTS, isGatewayVariant, isPeer, PEERS, type ConfigName } from './configs.js';
import { emulatorControls, postOnce, type Emulator } from './load.js';
import type { BenchOperation } from './operations.js';
import { onCpu, type Pinning } from './pinning.js';
import { freePort, isRunning, startChild, waitForLine, type Child } from './processes.js';
import type { RefBuild } from './refs.js';
import { ROOT } from './settings.js';

// Starting the emulator and each configuration's server as child processes, on
// the CPUs the pinning gave them, with only the environment they are given.

export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
export const DEFAULT_REGION = 'us-east-1';

/** Every server times its own requests (bench/serverTimes.mjs). */
const SERVER_TIMES = ['--import', pathToFileURL(path.join(ROOT, 'bench/serverTimes.mjs')).href];

/** Children see only what they are given: nothing of this shell's AWS or DX settings leaks in. */
export const baseEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? ROOT });

export interface Running {
  child: Child;
  url: string;
}

/** The emulator of the build in `gatewayDir` (the working tree, or a ref's build), on the load tool's CPU. */
export async function startEmulator(gatewayDir: string, latencyMs: number, pinning: Pinning): Promise<{ child: Child; emulator: Emulator }> {
  const port = await freePort();
  const [command, args] = onCpu(pinning, 'load', process.execPath, ['dist/emulator/main.js']);
  const child = startChild('emulator', command, args, {
    ...baseEnv(),
    DX_EMULATOR_SEED: 'large',
    DX_EMULATOR_LATENCY_MS: String(latencyMs),
    DX_EMULATOR_PORT: String(port),
  }, gatewayDir);
  const [, url] = await waitForLine(child, /emulator\b.*\bat (http:\/\/\S+)/, 30_000);
  return { child, emulator: emulatorControls(url!) };
}

/** Until `{ __typename }` answers 200, at most 30 s. */
async function waitReady(url: string, child: Child): Promise<void> {
  const until = Date.now() + 30_000;
  const probe: BenchOperation = { name: 'one', description: 'readiness', query: '{ __typename }' };
  while (Date.now() < until) {
    if (!isRunning(child)) throw new Error(`${child.name} exited:\n${child.tail()}`);
    try {
      if ((await postOnce(url, probe)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${child.name} did not answer at ${url} within 30 s:\n${child.tail()}`);
}

/** A gateway's dist/main.js from `dir` (the working tree or a ref's build), as `npm start` runs it but on the emulator. */
async function startGateway(name: string, dir: string, emulatorUrl: string, pinning: Pinning, extraEnv: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const [command, args] = onCpu(pinning, 'server', process.execPath, [...SERVER_TIMES, 'dist/main.js']);
  const child = startChild(name, command, args, {
    ...baseEnv(),
    NODE_ENV: 'production',
    DX_BACKEND: 'aws',
    // The log as the only audit record: accepted out loud, as DX_BACKEND=aws requires.
    AUDIT_SINK: 'log',
    DX_ENDPOINT: emulatorUrl,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    // Credentials come from the environment; never look for an instance role.
    AWS_EC2_METADATA_DISABLED: 'true',
    AUTH_MODE: 'none',
    AWS_REGION: DEFAULT_REGION,
    DX_REGIONS: REGIONS.join(','),
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...extraEnv,
  }, dir);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitReady(url, child);
  return { child, url };
}

async function startPeer(name: keyof typeof PEERS, emulatorUrl: string, pinning: Pinning): Promise<Running> {
  const [command, args] = onCpu(pinning, 'server', process.execPath, ['--import', 'tsx', ...SERVER_TIMES, PEERS[name]]);
  const child = startChild(name, command, args, {
    ...baseEnv(),
    BENCH_EMULATOR_URL: emulatorUrl,
    BENCH_REGIONS: REGIONS.join(','),
    BENCH_DEFAULT_REGION: DEFAULT_REGION,
    PORT: String(await freePort()),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }, ROOT);
  const [, url] = await waitForLine(child, new RegExp(`${name} ready at (\\S+)`), 60_000);
  return { child, url: url! };
}

/** bench/bareHttp.mjs, a server that does nothing, where the configurations run (bench/loadToolTail.ts). */
export async function startBareHttp(pinning: Pinning): Promise<Running> {
  const [command, args] = onCpu(pinning, 'server', process.execPath, [...SERVER_TIMES, 'bench/bareHttp.mjs']);
  const child = startChild('bare-http', command, args, { ...baseEnv(), PORT: String(await freePort()) }, ROOT);
  const [, url] = await waitForLine(child, /bare-http ready at (\S+)/, 10_000);
  return { child, url: url! };
}

/**
 * Starts a configuration and waits until it answers. `extraEnv` goes to gateways
 * only (the bursts' REDIS_URL).
 */
export function startConfig(
  config: ConfigName,
  emulatorUrl: string,
  pinning: Pinning,
  refs: ReadonlyMap<string, RefBuild>,
  extraEnv: Record<string, string> = {},
): Promise<Running> {
  if (isPeer(config)) return startPeer(config, emulatorUrl, pinning);
  if (isGatewayVariant(config)) return startGateway(config, ROOT, emulatorUrl, pinning, { ...GATEWAY_VARIANTS[config], ...extraEnv });
  const ref = refs.get(config);
  if (!ref) throw new Error(`${config}: no build of that commit`);
  return startGateway(config, ref.dir, emulatorUrl, pinning, extraEnv);
}
