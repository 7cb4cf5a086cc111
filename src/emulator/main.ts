import { ConfigError, loadEmulatorSettings } from '../config.js';
import { createEmulator } from './index.js';

/** `npm run emulator`: the emulator alone, for the AWS CLI and SDK scripts. Reads only the DX_EMULATOR_* settings of src/config.ts. */

let settings;
try {
  settings = loadEmulatorSettings(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const { port, seed, latencyMs, transitionMs } = settings;
const emulator = createEmulator({ seed, latencyMs, transitionMs });

try {
  const url = await emulator.listen(port, '127.0.0.1');
  console.log(`Direct Connect emulator (seed "${seed}", regions ${emulator.regions().join(', ')}) at ${url}`);
  console.log(`Try: aws directconnect describe-lags --endpoint-url ${url} --region us-east-1`);
  console.log(`     (CloudWatch GetMetricData and AWS Health DescribeEvents answer on the same URL)`);
  console.log(
    `Test controls: ${url}/_emulator/stats, /_emulator/reset, /_emulator/faults, /_emulator/connection-state, /_emulator/bgp-status, ` +
      '/_emulator/traffic, /_emulator/maintenance, /_emulator/health-subscription, /_emulator/clock',
  );
} catch (error) {
  console.error(`The emulator cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`);
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
