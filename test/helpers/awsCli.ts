import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// The AWS CLI v2 against an emulator, as a person would run it beside `npm start`.
// .ci/run installs Debian's awscli where it is missing and sets CI, so there a
// missing CLI fails the suite; on a developer machine without it, suites that need
// it are skipped with a message saying why.

const run = promisify(execFile);

const found = await run('aws', ['--version']).then(
  () => true,
  () => false,
);

if (!found) {
  if (process.env.CI) throw new Error('The AWS CLI (`aws`) is missing; .ci/run installs Debian\'s awscli before the tests.');
  console.warn('Skipping the tests that drive the AWS CLI: `aws` is not on PATH (install Debian\'s awscli to run them).');
}

export const awsCliAvailable = found;

/** `aws directconnect <args>` against the emulator at `endpoint`, with throwaway credentials; the parsed JSON output. */
export async function awsCli<T = any>(endpoint: string, region: string, ...args: string[]): Promise<T> {
  const { stdout } = await run('aws', ['directconnect', ...args, '--endpoint-url', endpoint, '--region', region, '--output', 'json'], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
  });
  return JSON.parse(stdout) as T;
}
