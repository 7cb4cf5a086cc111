import { describe, expect, it } from 'vitest';
import { awsCliAvailable, awsCliWith, DEBIAN_AWS_CLI, debianAwsCliAvailable } from '../helpers/awsCli.js';
import { useEmulator } from '../helpers/emulator.js';

// The AWS CLIs against the emulator's BGP failover tests (docs/aws-behaviour.md,
// "BGP failover tests"): `aws` on PATH (the AWS CLI v1 on current botocore) and
// Debian's CLI v2 at /usr/bin/aws, whose older bundled model still documents a
// 180-minute maximum but sends the same JSON 1.1. Neither pages
// list-virtual-interface-test-history by itself: botocore has no paginator for it.

const h = useEmulator();
const MINUTE = 60_000;

/** The CLI's error line; with retries configured Debian's v2 adds "(reached max retries: N)" before the colon. */
const cliError = (code: string, operation: string, message: string): RegExp =>
  new RegExp(`An error occurred \\(${code}\\) when calling the ${operation} operation( \\(reached max retries: \\d+\\))?: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

/** v1 prints timestamps as epoch seconds, v2 as ISO 8601. */
const epochMs = (value: unknown): number => (typeof value === 'number' ? Math.round(value * 1000) : Date.parse(String(value)));

interface CliTest {
  testId: string;
  virtualInterfaceId: string;
  bgpPeers: string[];
  status: string;
  ownerAccount: string;
  testDurationInMinutes: number;
  startTime: unknown;
  endTime: unknown;
}

const CLIS = [
  { name: '`aws` on PATH', binary: 'aws', present: awsCliAvailable },
  { name: `Debian's AWS CLI v2 (${DEBIAN_AWS_CLI})`, binary: DEBIAN_AWS_CLI, present: debianAwsCliAvailable },
];

for (const cli of CLIS) {
  describe.skipIf(!cli.present)(`${cli.name}: directconnect failover tests`, () => {
    // Async on purpose: the emulator answers from this same process.
    const aws = <T = any>(...args: string[]) => awsCliWith<T>({ binary: cli.binary, maxAttempts: 1 }, h.url, 'us-east-1', ...args);
    const failure = (call: Promise<unknown>) => call.then(() => '', (e: { stderr: string }) => e.stderr);

    it('start-bgp-failover-test, list-virtual-interface-test-history, stop-bgp-failover-test', async () => {
      const before = Date.now();
      const { virtualInterfaceTest: test } = await aws<{ virtualInterfaceTest: CliTest }>(
        'start-bgp-failover-test', '--virtual-interface-id', 'dxvif-allow01tr', '--test-duration-in-minutes', '30',
      );
      expect(test).toMatchObject({
        virtualInterfaceId: 'dxvif-allow01tr',
        bgpPeers: ['dxpeer-allow01tr4'],
        status: 'in-progress',
        ownerAccount: '123456789012',
        testDurationInMinutes: 30,
      });
      expect(test.testId).toMatch(/^dxtest-[a-z0-9]{8}$/);
      const startTime = epochMs(test.startTime);
      expect(startTime).toBeGreaterThanOrEqual(before - 1000);
      expect(epochMs(test.endTime) - startTime).toBe(30 * MINUTE);

      const { virtualInterfaceTestHistory } = await aws<{ virtualInterfaceTestHistory: CliTest[] }>(
        'list-virtual-interface-test-history', '--virtual-interface-id', 'dxvif-allow01tr',
      );
      expect(virtualInterfaceTestHistory).toEqual([test]);

      expect(await failure(aws('start-bgp-failover-test', '--virtual-interface-id', 'dxvif-allow01tr'))).toMatch(
        cliError('DirectConnectClientException', 'StartBgpFailoverTest', `Virtual interface dxvif-allow01tr already has failover test ${test.testId} in progress.`),
      );

      const { virtualInterfaceTest: stopped } = await aws<{ virtualInterfaceTest: CliTest }>('stop-bgp-failover-test', '--virtual-interface-id', 'dxvif-allow01tr');
      expect(stopped).toMatchObject({ testId: test.testId, status: 'cancelled', bgpPeers: ['dxpeer-allow01tr4'], testDurationInMinutes: 30 });
      expect(epochMs(stopped.startTime)).toBe(startTime);
      expect(epochMs(stopped.endTime) - startTime).toBeLessThan(30 * MINUTE);

      const cancelled = await aws<{ virtualInterfaceTestHistory: CliTest[] }>('list-virtual-interface-test-history', '--status', 'cancelled');
      expect(cancelled.virtualInterfaceTestHistory.map((t) => [t.testId, t.status])).toEqual([[test.testId, 'cancelled']]);
      expect(h.emulator.stats()).toEqual({ StartBgpFailoverTest: 2, StopBgpFailoverTest: 1, ListVirtualInterfaceTestHistory: 2 });
    });

    it('start-bgp-failover-test with --bgp-peers: only that session goes down', async () => {
      const { virtualInterfaceTest } = await aws<{ virtualInterfaceTest: CliTest }>(
        'start-bgp-failover-test', '--virtual-interface-id', 'dxvif-allow01pv', '--bgp-peers', 'dxpeer-allow01pv6',
      );
      expect([virtualInterfaceTest.bgpPeers, virtualInterfaceTest.testDurationInMinutes]).toEqual([['dxpeer-allow01pv6'], 180]);
      const { virtualInterfaces } = await aws<{ virtualInterfaces: Array<{ virtualInterfaceState: string; bgpPeers: Array<{ bgpStatus: string }> }> }>(
        'describe-virtual-interfaces', '--virtual-interface-id', 'dxvif-allow01pv',
      );
      expect([virtualInterfaces[0]?.virtualInterfaceState, virtualInterfaces[0]?.bgpPeers.map((p) => p.bgpStatus)]).toEqual(['testing', ['up', 'down']]);
    });

    it('a test that ran its time is completed, its end the scheduled one', async () => {
      const { virtualInterfaceTest: test } = await aws<{ virtualInterfaceTest: CliTest }>(
        'start-bgp-failover-test', '--virtual-interface-id', 'dxvif-allow01tr', '--test-duration-in-minutes', '30',
      );
      await h.control('clock', { method: 'POST', body: { advanceMinutes: 31 } });
      const { virtualInterfaceTestHistory } = await aws<{ virtualInterfaceTestHistory: CliTest[] }>('list-virtual-interface-test-history', '--test-id', test.testId);
      expect(virtualInterfaceTestHistory.map((t) => [t.status, epochMs(t.endTime) - epochMs(t.startTime)])).toEqual([['completed', 30 * MINUTE]]);
    });

    it('refusals reach the CLI as DirectConnectClientException with the emulator\'s message', async () => {
      expect(await failure(aws('stop-bgp-failover-test', '--virtual-interface-id', 'dxvif-allow01tr'))).toMatch(
        cliError('DirectConnectClientException', 'StopBgpFailoverTest', 'There is no failover test in progress on virtual interface dxvif-allow01tr.'),
      );
      expect(await failure(aws('start-bgp-failover-test', '--virtual-interface-id', 'dxvif-allow01tr', '--test-duration-in-minutes', '4321'))).toMatch(
        cliError('DirectConnectClientException', 'StartBgpFailoverTest', 'testDurationInMinutes must be between 1 and 4320; got 4321.'),
      );
      expect(await failure(aws('list-virtual-interface-test-history', '--max-results', '0'))).toMatch(
        cliError('DirectConnectClientException', 'ListVirtualInterfaceTestHistory', 'maxResults must be at least 1; got 0.'),
      );
    });
  });
}
