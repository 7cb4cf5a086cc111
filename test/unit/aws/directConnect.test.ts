import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import {
  DescribeLagsCommand,
  DescribeVirtualInterfacesCommand,
  DirectConnectClient,
  DirectConnectServiceException,
  DisassociateConnectionFromLagCommand,
  UpdateLagCommand,
} from '@aws-sdk/client-direct-connect';
import { capturedLogger } from '../../helpers/logger.js';
import { DirectConnectService } from '../../../src/aws/directConnect.js';
import { MemoryReadCache } from '../../../src/cache/memoryReadCache.js';
import { createMetrics } from '../../../src/metrics.js';
import { isRetryable } from '../../../src/errors/codes.js';
import { classifyAwsError } from '../../../src/aws/classifyAwsError.js';

// src/aws/directConnect.ts, DirectConnectService: what it does with answers AWS
// (or something posing as AWS) should not give.

let mock: AwsClientStub<DirectConnectClient>;
let service: DirectConnectService;
let log: ReturnType<typeof capturedLogger>;

beforeEach(() => {
  mock = mockClient(DirectConnectClient);
  log = capturedLogger();
  const client = new DirectConnectClient({ region: 'us-east-1' });
  service = new DirectConnectService(() => client, log.logger);
});
afterEach(() => mock.restore());

describe('paging', () => {
  it('stops with AWS_UNAVAILABLE when the backend repeats a paging token', async () => {
    mock.on(DescribeLagsCommand).resolves({ lags: [{ lagId: 'dxlag-abcdefgh' }], nextToken: 'again' });
    const failure = await service.describeLags('us-east-1').catch((error: unknown) => error);
    expect(classifyAwsError(failure)).toMatchObject({ code: 'AWS_UNAVAILABLE' });
    expect(isRetryable(classifyAwsError(failure).code)).toBe(true);
    expect(mock.commandCalls(DescribeLagsCommand)).toHaveLength(2);
  });

  it('stops after 1,000 pages of ever-new tokens', async () => {
    let page = 0;
    mock.on(DescribeLagsCommand).callsFake(async () => ({ lags: [], nextToken: `t${page++}` }));
    const failure = await service.describeLags('us-east-1').catch((error: unknown) => error);
    expect(classifyAwsError(failure).message).toContain('1000 pages');
    expect(mock.commandCalls(DescribeLagsCommand).length).toBeLessThanOrEqual(1001);
  });

  it('drops listed items that have no ID, and logs it', async () => {
    mock.on(DescribeLagsCommand).resolves({ lags: [{ lagId: 'dxlag-abcdefgh' }, { lagName: 'no id' }] });
    expect(await service.describeLags('us-east-1')).toEqual([{ lagId: 'dxlag-abcdefgh' }]);
    expect(log.lines.some((l) => l.msg.includes('without an ID') && l.dropped === 1)).toBe(true);
  });
});

describe('virtual interfaces', () => {
  const secretVif = {
    virtualInterfaceId: 'dxvif-abcdefgh',
    connectionId: 'dxlag-abcdefgh',
    authKey: 'md5-secret',
    customerRouterConfig: '<config>md5-secret</config>',
    bgpPeers: [{ bgpPeerId: 'dxpeer-abcdefgh', authKey: 'md5-secret', bgpStatus: 'up' as const }],
  };

  it('drops the BGP keys and the router configuration as AWS answers, on the VIF and on every peer', async () => {
    mock.on(DescribeVirtualInterfacesCommand).resolves({ virtualInterfaces: [secretVif] });
    for (const vifs of [await service.describeVirtualInterfaces('us-east-1'), await service.describeVirtualInterfacesOn('us-east-1', 'dxlag-abcdefgh')]) {
      expect(vifs).toEqual([{ virtualInterfaceId: 'dxvif-abcdefgh', connectionId: 'dxlag-abcdefgh', bgpPeers: [{ bgpPeerId: 'dxpeer-abcdefgh', bgpStatus: 'up' }] }]);
      expect(JSON.stringify(vifs)).not.toContain('md5-secret');
    }
  });

  it('asks AWS for the VIFs on one connection or LAG, and answers null when it does not exist', async () => {
    mock.on(DescribeVirtualInterfacesCommand, { connectionId: 'dxlag-abcdefgh' }).resolves({ virtualInterfaces: [secretVif] });
    mock
      .on(DescribeVirtualInterfacesCommand, { connectionId: 'dxlag-zzzzzzzz' })
      .rejects(new DirectConnectServiceException({ name: 'DirectConnectClientException', message: 'Could not find Lag with ID dxlag-zzzzzzzz', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    expect(await service.describeVirtualInterfacesOn('us-east-1', 'dxlag-abcdefgh')).toHaveLength(1);
    expect(await service.describeVirtualInterfacesOn('us-east-1', 'dxlag-zzzzzzzz')).toBeNull();
  });

  it('reads past the cross-request cache when asked for fresh state, and leaves the cached entry alone', async () => {
    const cached = new DirectConnectService(() => new DirectConnectClient({ region: 'us-east-1' }), log.logger, {
      cache: new MemoryReadCache(60_000, 1_000_000, createMetrics()),
    });
    mock.on(DescribeLagsCommand).resolvesOnce({ lags: [{ lagId: 'dxlag-abcdefgh', minimumLinks: 1 }] }).resolves({ lags: [{ lagId: 'dxlag-abcdefgh', minimumLinks: 2 }] });
    expect((await cached.describeLag('us-east-1', 'dxlag-abcdefgh'))?.minimumLinks).toBe(1);
    expect((await cached.describeLag('us-east-1', 'dxlag-abcdefgh', { fresh: true }))?.minimumLinks).toBe(2);
    expect((await cached.describeLag('us-east-1', 'dxlag-abcdefgh'))?.minimumLinks).toBe(1);
    expect(mock.commandCalls(DescribeLagsCommand)).toHaveLength(2);
  });
});

describe('disassociateConnectionFromLag', () => {
  it('says the link may be cut when AWS accepted the call but answered without the connection', async () => {
    mock.on(DisassociateConnectionFromLagCommand).resolves({ $metadata: { requestId: 'req-9' } });
    const failure = await service.disassociateConnectionFromLag('us-east-1', 'dxcon-abcdefgh', 'dxlag-abcdefgh').catch((e: unknown) => e);
    const classified = classifyAwsError(failure);
    expect(classified.code).toBe('AWS_UNAVAILABLE');
    expect(classified.message).toContain('req-9');
    expect(classified.message).toMatch(/did not describe dxcon-abcdefgh\. Check its state before trying again/);
  });

  it('says the same of an UpdateLag answer that does not describe the LAG', async () => {
    mock.on(UpdateLagCommand).resolves({ lagId: 'dxlag-zzzzzzzz', $metadata: { requestId: 'req-8' } });
    const failure = await service.updateLagMinimumLinks('us-east-1', 'dxlag-abcdefgh', 1).catch((e: unknown) => e);
    expect(classifyAwsError(failure)).toMatchObject({ code: 'AWS_UNAVAILABLE', awsRequestId: 'req-8' });
    expect(mock.commandCalls(UpdateLagCommand)[0]!.args[0].input).toEqual({ lagId: 'dxlag-abcdefgh', minimumLinks: 1 });
  });
});

describe('failed calls', () => {
  it('log AWS’s own message for operators, while callers get a message without it', async () => {
    const awsText = 'User: arn:aws:iam::123456789012:assumed-role/dxgraph/i-0abc is not authorized to perform: directconnect:DescribeLags';
    mock.on(DescribeLagsCommand).rejects(
      new DirectConnectServiceException({ name: 'AccessDeniedException', $fault: 'client', message: awsText, $metadata: { httpStatusCode: 403, requestId: 'req-1' } }),
    );
    const failure = await service.describeLag('us-east-1', 'dxlag-abcdefgh').catch((e: unknown) => e);
    const classified = classifyAwsError(failure);
    expect(classified.code).toBe('AWS_ACCESS_DENIED');
    expect(classified.message).not.toContain('arn:aws:iam');
    const logged = log.lines.find((l) => l.msg === 'AWS Direct Connect call failed');
    expect(logged).toMatchObject({ operation: 'DescribeLags', region: 'us-east-1', code: 'AWS_ACCESS_DENIED', awsRequestId: 'req-1', awsMessage: awsText });
  });

  it('treat an error answer with a body the SDK could not read as AWS_UNAVAILABLE, whatever its status', async () => {
    const unreadable = Object.assign(new SyntaxError('Unexpected token < in JSON'), {
      $response: { statusCode: 400 },
      $metadata: { httpStatusCode: 400 },
    });
    mock.on(DescribeLagsCommand).rejects(unreadable);
    const failure = await service.describeLags('us-east-1').catch((e: unknown) => e);
    expect(classifyAwsError(failure)).toMatchObject({ code: 'AWS_UNAVAILABLE' });
    expect(isRetryable(classifyAwsError(failure).code)).toBe(true);
    const empty = new DirectConnectServiceException({ name: 'UnknownError', $fault: 'client', message: 'UnknownError', $metadata: { httpStatusCode: 400 } });
    expect(classifyAwsError(empty).code).toBe('AWS_UNAVAILABLE');
  });
});
