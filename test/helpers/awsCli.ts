import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// The AWS CLI against an emulator, as a person would run it beside `npm start`.
// Two CLIs matter: `aws` on PATH (whatever is installed first; here the AWS CLI v1
// with current botocore) and Debian's AWS CLI v2 at /usr/bin/aws, whose older
// bundled models speak other protocols (CloudWatch's query protocol). .ci/run
// installs Debian's awscli where it is missing and sets CI, so there a missing
// `aws` fails the suite; on a developer machine without it, suites that need it
// are skipped with a message saying why.

const run = promisify(execFile);

/** Debian's AWS CLI v2, where .ci/run installs it. */
export const DEBIAN_AWS_CLI = '/usr/bin/aws';

const works = (binary: string): Promise<boolean> =>
  run(binary, ['--version']).then(
    () => true,
    () => false,
  );

const found = await works('aws');

if (!found) {
  if (process.env.CI) throw new Error('The AWS CLI (`aws`) is missing; .ci/run installs Debian\'s awscli before the tests.');
  console.warn('Skipping the tests that drive the AWS CLI: `aws` is not on PATH (install Debian\'s awscli to run them).');
}

export const awsCliAvailable = found;

/** Whether Debian's CLI is there; `aws` on PATH may be another one. */
export const debianAwsCliAvailable = await works(DEBIAN_AWS_CLI);

if (!debianAwsCliAvailable && process.env.CI) {
  throw new Error(`Debian's AWS CLI v2 (${DEBIAN_AWS_CLI}) is missing; .ci/run installs Debian's awscli before the tests.`);
}

export interface AwsCliOptions {
  /** The CLI's service command; default `directconnect`. */
  service?: string;
  /** Which CLI runs; default `aws` on PATH. */
  binary?: string;
  /** AWS_MAX_ATTEMPTS; default the CLI's own retries. */
  maxAttempts?: number;
}

/** `aws <service> <args>` against the emulator at `endpoint`, with throwaway credentials; the parsed JSON output. */
export async function awsCliWith<T = any>(options: AwsCliOptions, endpoint: string, region: string, ...args: string[]): Promise<T> {
  const { service = 'directconnect', binary = 'aws', maxAttempts } = options;
  const { stdout } = await run(binary, [service, ...args, '--endpoint-url', endpoint, '--region', region, '--output', 'json'], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...(maxAttempts === undefined ? {} : { AWS_MAX_ATTEMPTS: String(maxAttempts) }),
    },
  });
  return (stdout.trim() === '' ? {} : JSON.parse(stdout)) as T;
}

/** `aws directconnect <args>` against the emulator at `endpoint`; the parsed JSON output. */
export const awsCli = <T = any>(endpoint: string, region: string, ...args: string[]): Promise<T> =>
  awsCliWith<T>({}, endpoint, region, ...args);
