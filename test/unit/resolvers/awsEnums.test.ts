import { describe, expect, it } from 'vitest';
import { buildSchema, GraphQLEnumType, Kind, type GraphQLEnumValueConfigMap } from 'graphql';
import {
  AddressFamily as SdkAddressFamily,
  BGPPeerState as SdkBgpPeerState,
  BGPStatus as SdkBgpStatus,
  ConnectionState as SdkConnectionState,
  HasLogicalRedundancy as SdkHasLogicalRedundancy,
  InterconnectState as SdkInterconnectState,
  LagState as SdkLagState,
  VirtualInterfaceState as SdkVirtualInterfaceState,
} from '@aws-sdk/client-direct-connect';
import { enumValues, type AwsEnumName } from '../../../src/resolvers/awsEnums.js';
import { resolvers } from '../../../src/resolvers/index.js';
import { loadTypeDefs } from '../../../src/schema.js';

// src/resolvers/awsEnums.ts: GraphQL-style enum values mapped to AWS strings, one
// table (docs/contract.md, "Schema"), checked against the SDL, the SDK's own enums
// and what Apollo receives. What happens to a value AWS adds later:
// test/unit/resolvers/knownEnumValue.test.ts.

const schema = buildSchema(loadTypeDefs().join('\n'));

const ENUM_NAMES = Object.keys(enumValues) as AwsEnumName[];

describe('enumValues', () => {
  it('covers exactly the AWS enums of the schema', () => {
    expect(ENUM_NAMES.sort()).toEqual(
      [
        'AddressFamily',
        'BgpPeerState',
        'BgpStatus',
        'ConnectionState',
        'EncryptionMode',
        'HasLogicalRedundancy',
        'InterconnectState',
        'LagState',
        'MacSecKeyState',
        'PortEncryptionStatus',
        'VirtualInterfaceState',
        'DirectConnectGatewayState',
        'DirectConnectGatewayAssociationState',
        'GatewayType',
        'DirectConnectGatewayAttachmentState',
        'DirectConnectGatewayAttachmentType',
        'MaintenanceEventStatus',
      ].sort(),
    );
  });

  it.each(ENUM_NAMES)('%s maps each GraphQL value to a distinct AWS string', (name) => {
    const values = Object.values(enumValues[name] as Record<string, string>);
    expect(new Set(values).size).toBe(values.length);
  });

  it.each(ENUM_NAMES)('%s round-trips every AWS value through the GraphQL enum', (name) => {
    const map = enumValues[name] as Record<string, string>;
    const sdlType = schema.getType(name);
    expect(sdlType).toBeInstanceOf(GraphQLEnumType);
    // What Apollo does with enum resolvers: the internal value of each GraphQL value is the AWS string.
    const config = (sdlType as GraphQLEnumType).toConfig();
    const values: GraphQLEnumValueConfigMap = {};
    for (const [key, value] of Object.entries(config.values)) values[key] = { ...value, value: map[key] };
    const resolved = new GraphQLEnumType({ ...config, values });

    for (const [graphqlValue, awsValue] of Object.entries(map)) {
      expect(resolved.serialize(awsValue)).toBe(graphqlValue);
      expect(resolved.parseValue(graphqlValue)).toBe(awsValue);
      expect(resolved.parseLiteral({ kind: Kind.ENUM, value: graphqlValue }, undefined)).toBe(awsValue);
    }
  });

  it('uses the AWS strings the API documents for the MACsec enums', () => {
    expect(enumValues.EncryptionMode).toMatchObject({ NO_ENCRYPT: 'no_encrypt', SHOULD_ENCRYPT: 'should_encrypt', MUST_ENCRYPT: 'must_encrypt' });
    expect(enumValues.PortEncryptionStatus).toMatchObject({ ENCRYPTION_UP: 'Encryption Up', ENCRYPTION_DOWN: 'Encryption Down' });
  });

  it('is what Apollo receives as enum resolvers', () => {
    for (const name of Object.keys(enumValues) as AwsEnumName[]) expect(resolvers[name]).toBe(enumValues[name]);
  });
});

describe('the SDL enums and enumValues', () => {
  it.each(ENUM_NAMES)('the GraphQL enum %s has exactly the keys of enumValues', (name) => {
    const sdlType = schema.getType(name);
    expect(sdlType, `schema/*.graphql has no enum ${name}`).toBeInstanceOf(GraphQLEnumType);
    const sdlKeys = (sdlType as GraphQLEnumType).getValues().map((v) => v.name).sort();
    expect(sdlKeys).toEqual(Object.keys(enumValues[name]).sort());
  });
});

describe("the SDK's own enums", () => {
  it.each([
    ['ConnectionState', SdkConnectionState],
    ['LagState', SdkLagState],
    ['HasLogicalRedundancy', SdkHasLogicalRedundancy],
    ['VirtualInterfaceState', SdkVirtualInterfaceState],
    ['BgpPeerState', SdkBgpPeerState],
    ['BgpStatus', SdkBgpStatus],
    ['AddressFamily', SdkAddressFamily],
    ['InterconnectState', SdkInterconnectState],
  ] as const)('every SDK %s value is in the map', (name, sdkEnum) => {
    const known = Object.values(enumValues[name] as Record<string, string>);
    const missing = Object.values(sdkEnum).filter((value) => !known.includes(value));
    expect(missing, `enumValues.${name} lacks SDK values: ${missing.join(', ')}`).toEqual([]);
  });
});
