import { loadTypeDefs } from '../../src/schema.js';
import { describe, expect, it } from 'vitest';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLNamedType,
} from 'graphql';
import {
  AssociatedCoreNetwork$,
  AssociatedGateway$,
  BGPPeer$,
  Connection$,
  DirectConnectGateway$,
  DirectConnectGatewayAssociation$,
  DirectConnectGatewayAttachment$,
  Interconnect$,
  Lag$,
  MacSecKey$,
  RouteFilterPrefix$,
  Tag$,
  VirtualInterface$,
  VirtualInterfaceTestHistory$,
} from '@aws-sdk/client-direct-connect';

// The SDL in schema/*.graphql, as src/schema.ts loads it (docs/contract.md, "Schema").
// Every field the installed SDK model has is in the SDL, under AWS's own name; an SDK
// upgrade that adds a field fails here until the schema has it. Every element of the
// schema has a description.

const schema = buildSchema(loadTypeDefs().join('\n'));

// A StaticStructureSchema is [3, namespace, name, traits, memberNames, memberSchemas, …].
const MEMBER_NAMES = 4;

function sdkMembers(structure: readonly unknown[]): string[] {
  const names = structure[MEMBER_NAMES];
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new Error(`the SDK schema layout changed: index ${MEMBER_NAMES} is not a member-name array (${JSON.stringify(structure)})`);
  }
  return names as string[];
}

/** The SDL's names that differ from the SDK's. */
const SDK_NAMES: Record<string, string> = { BgpPeer: 'BGPPeer', VirtualInterfaceTest: 'VirtualInterfaceTestHistory' };

const SDK_SHAPES = [
  ['Connection', Connection$],
  ['Lag', Lag$],
  ['Tag', Tag$],
  ['MacSecKey', MacSecKey$],
  ['VirtualInterface', VirtualInterface$],
  ['BgpPeer', BGPPeer$],
  ['RouteFilterPrefix', RouteFilterPrefix$],
  ['Interconnect', Interconnect$],
  ['DirectConnectGateway', DirectConnectGateway$],
  ['DirectConnectGatewayAssociation', DirectConnectGatewayAssociation$],
  ['DirectConnectGatewayAttachment', DirectConnectGatewayAttachment$],
  ['AssociatedGateway', AssociatedGateway$],
  ['AssociatedCoreNetwork', AssociatedCoreNetwork$],
  ['VirtualInterfaceTest', VirtualInterfaceTestHistory$],
] as const;

/**
 * The secrets left out on purpose (docs/contract.md, "Schema"): the BGP MD5 key on
 * both shapes and the router configuration that embeds it. Nothing else may be missing.
 */
const SECRETS: Record<string, string[]> = {
  VirtualInterface: ['authKey', 'customerRouterConfig'],
  BgpPeer: ['authKey'],
};

describe('the SDL against the installed AWS SDK model', () => {
  it.each(SDK_SHAPES)('reads the SDK structure for %s', (name, structure) => {
    expect(structure[0]).toBe(3); // a structure schema
    expect(structure[2]).toBe(SDK_NAMES[name] ?? name);
    expect(sdkMembers(structure).length).toBeGreaterThan(0);
  });

  it('sees fields the contract names in the SDK model (so the comparison is real)', () => {
    expect(sdkMembers(Connection$)).toEqual(expect.arrayContaining(['awsDeviceV2', 'loaIssueTime', 'partnerInterconnectMacSecCapable']));
    expect(sdkMembers(MacSecKey$)).toEqual(expect.arrayContaining(['secretARN', 'ckn', 'state', 'startOn']));
  });

  it.each(SDK_SHAPES)('type %s has every member of the SDK model but the named secrets', (name, structure) => {
    const type = schema.getType(name);
    expect(isObjectType(type), `schema/*.graphql has no object type ${name}`).toBe(true);
    const fields = Object.keys((type as Extract<GraphQLNamedType, { getFields: unknown }>).getFields());
    const missing = sdkMembers(structure).filter((member) => !fields.includes(member));
    expect(missing, `type ${name} lacks the SDK member(s): ${missing.join(', ')}`).toEqual(SECRETS[name] ?? []);
  });

  it('leaves out exactly the secrets, which the SDK model does have (so the omission is real)', () => {
    expect(sdkMembers(VirtualInterface$)).toEqual(expect.arrayContaining(['authKey', 'customerRouterConfig', 'bgpPeers']));
    expect(sdkMembers(BGPPeer$)).toEqual(expect.arrayContaining(['authKey', 'bgpStatus']));
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) && !isInputObjectType(type)) continue;
      const secretFields = Object.keys(type.getFields()).filter((field) => /authKey|routerConfig/i.test(field));
      expect(secretFields, `${type.name} exposes a secret`).toEqual([]);
    }
  });

  it('adds only the relations the contract names beyond the SDK model', () => {
    const extra = (name: string, structure: readonly unknown[]) => {
      const type = schema.getType(name);
      if (!isObjectType(type)) return [];
      return Object.keys(type.getFields()).filter((field) => !sdkMembers(structure).includes(field));
    };
    expect(extra('Connection', Connection$)).toEqual(['lag', 'virtualInterfaces', 'traffic', 'maintenanceEvents', 'maintenance', 'changes']);
    expect(extra('Lag', Lag$)).toEqual(['virtualInterfaces', 'hostedConnections', 'traffic', 'maintenanceEvents', 'maintenance', 'changes']);
    expect(extra('VirtualInterface', VirtualInterface$)).toEqual(['connection', 'lag', 'directConnectGateway', 'traffic', 'tests', 'changes']);
    expect(extra('VirtualInterfaceTest', VirtualInterfaceTestHistory$)).toEqual(['virtualInterface']);
    expect(extra('DirectConnectGateway', DirectConnectGateway$)).toEqual(['associations', 'attachments']);
    expect(extra('DirectConnectGatewayAssociation', DirectConnectGatewayAssociation$)).toEqual([]);
    expect(extra('DirectConnectGatewayAttachment', DirectConnectGatewayAttachment$)).toEqual([]);
    expect(extra('BgpPeer', BGPPeer$)).toEqual([]);
    expect(extra('Interconnect', Interconnect$)).toEqual([]);
    expect(extra('Tag', Tag$)).toEqual([]);
    expect(extra('MacSecKey', MacSecKey$)).toEqual([]);
  });
});

describe('descriptions in the SDL', () => {
  const types = Object.values(schema.getTypeMap()).filter(
    (type) => !isIntrospectionType(type) && !(isScalarType(type) && isSpecifiedScalarType(type)),
  );

  /** Every schema element without a non-empty description, as Type, Type.field, Type.field(arg), Enum.VALUE. */
  function undescribed(): string[] {
    const missing: string[] = [];
    const check = (where: string, description: string | null | undefined) => {
      if (!description?.trim()) missing.push(where);
    };
    for (const type of types) {
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
      } else if (isEnumType(type)) {
        for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
      } else if (isUnionType(type) || isScalarType(type)) {
        // The type's own description, checked above.
      }
    }
    return missing;
  }

  it('covers the whole schema (types of every kind are checked)', () => {
    expect(types.some(isObjectType)).toBe(true);
    expect(types.some(isInterfaceType)).toBe(true);
    expect(types.some(isInputObjectType)).toBe(true);
    expect(types.some(isEnumType)).toBe(true);
    expect(types.some(isUnionType)).toBe(true);
    expect(types.some(isScalarType)).toBe(true);
  });

  it('gives every type, field, argument, enum value and input field a non-empty description', () => {
    const missing = undescribed();
    expect(missing, `described nowhere in schema/*.graphql: ${missing.join(', ')}`).toEqual([]);
  });
});
