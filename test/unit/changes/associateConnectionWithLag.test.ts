import { describe, expect, it } from 'vitest';
import type { Connection, Lag } from '@aws-sdk/client-direct-connect';
import { mismatches } from '../../../src/changes/associateConnectionWithLag.js';

// src/changes/associateConnectionWithLag.ts: `mismatches`, the association's fit rules
// (docs/aws-behaviour.md, "Associating, updating and deleting"). The change as a whole
// is tested through GraphQL: test/graphql/Mutation.associateConnectionWithLag.test.ts.

const lag: Lag = { lagId: 'dxlag-ffrz71kw', connectionsBandwidth: '10Gbps', awsDeviceV2: 'EqDC2-a', encryptionMode: 'no_encrypt' };
const fits: Connection = { connectionId: 'dxcon-joining1', bandwidth: '10Gbps', awsDeviceV2: 'EqDC2-a', macSecCapable: false };

describe('Function: mismatches', () => {
  it('finds none for a connection on the endpoint with the bandwidth', () => {
    expect(mismatches(fits, lag)).toEqual([]);
  });

  it('names each field that differs, with both values', () => {
    expect(mismatches({ ...fits, bandwidth: '1Gbps', awsDeviceV2: 'EqDC2-b' }, lag)).toEqual([
      { field: 'awsDeviceV2', connectionValue: 'EqDC2-b', lagValue: 'EqDC2-a' },
      { field: 'bandwidth', connectionValue: '1Gbps', lagValue: '10Gbps' },
    ]);
  });

  it('falls back to awsDevice where AWS gives no awsDeviceV2', () => {
    expect(mismatches({ ...fits, awsDeviceV2: undefined, awsDevice: 'EqDC2-a' }, { ...lag, awsDeviceV2: undefined, awsDevice: 'EqDC2-a' })).toEqual([]);
    expect(mismatches({ ...fits, awsDeviceV2: undefined, awsDevice: 'EqDC2-z' }, { ...lag, awsDeviceV2: undefined, awsDevice: 'EqDC2-a' })).toHaveLength(1);
  });

  it('requires MACsec of a LAG that must encrypt, or that has keys, and of no other', () => {
    const mustEncrypt = { ...lag, encryptionMode: 'must_encrypt' };
    const withKeys = { ...lag, macSecCapable: true, macSecKeys: [{ ckn: 'a1' }] };
    expect(mismatches(fits, mustEncrypt)).toEqual([{ field: 'macSecCapable', connectionValue: 'false', lagValue: 'true (encryptionMode must_encrypt)' }]);
    expect(mismatches(fits, withKeys)).toHaveLength(1);
    expect(mismatches({ ...fits, macSecCapable: true }, mustEncrypt)).toEqual([]);
    expect(mismatches(fits, { ...lag, encryptionMode: 'should_encrypt' })).toEqual([]);
  });
});
