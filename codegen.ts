import type { CodegenConfig } from '@graphql-codegen/cli';

const AWS_ENUMS = [
  'ConnectionState',
  'LagState',
  'HasLogicalRedundancy',
  'EncryptionMode',
  'PortEncryptionStatus',
  'MacSecKeyState',
  'VirtualInterfaceState',
  'BgpPeerState',
  'BgpStatus',
  'AddressFamily',
  'InterconnectState',
  'DirectConnectGatewayState',
  'DirectConnectGatewayAssociationState',
  'GatewayType',
  'DirectConnectGatewayAttachmentState',
  'DirectConnectGatewayAttachmentType',
  'MaintenanceEventStatus',
];

// Resolver types for src/resolvers/. Type resolvers receive the AWS SDK's own
// output shapes as parents (mappers), so nothing is copied between models.
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  emitLegacyCommonJSImports: false,
  generates: {
    'src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        useIndexSignature: true,
        contextType: '../context.js#GatewayContext',
        mapperTypeSuffix: 'Model',
        mappers: {
          Connection: '@aws-sdk/client-direct-connect#Connection',
          Lag: '@aws-sdk/client-direct-connect#Lag',
          Tag: '@aws-sdk/client-direct-connect#Tag',
          MacSecKey: '@aws-sdk/client-direct-connect#MacSecKey',
          VirtualInterface: '@aws-sdk/client-direct-connect#VirtualInterface',
          BgpPeer: '@aws-sdk/client-direct-connect#BGPPeer',
          RouteFilterPrefix: '@aws-sdk/client-direct-connect#RouteFilterPrefix',
          Interconnect: '@aws-sdk/client-direct-connect#Interconnect',
          DirectConnectGateway: '@aws-sdk/client-direct-connect#DirectConnectGateway',
          DirectConnectGatewayAssociation: '@aws-sdk/client-direct-connect#DirectConnectGatewayAssociation',
          DirectConnectGatewayAttachment: '@aws-sdk/client-direct-connect#DirectConnectGatewayAttachment',
          AssociatedGateway: '@aws-sdk/client-direct-connect#AssociatedGateway',
          AssociatedCoreNetwork: '@aws-sdk/client-direct-connect#AssociatedCoreNetwork',
          Traffic: '../aws/cloudWatch.js#Traffic',
          MaintenanceEvent: '../aws/health.js#MaintenanceEvent',
          MaintenanceReport: '../aws/health.js#MaintenanceReport',
          LagImpact: '../changes/models.js#LagImpact',
          DisassociateConnectionFromLagSuccess: '../changes/models.js#DisassociationSuccess',
          AssociateConnectionWithLagSuccess: '../changes/models.js#AssociationSuccess',
          UpdateLagMinimumLinksSuccess: '../changes/models.js#MinimumLinksUpdateSuccess',
          VirtualInterfaceTest: '../changes/models.js#VirtualInterfaceTestModel',
          FailoverImpact: '../changes/models.js#FailoverImpact',
          StartBgpFailoverTestSuccess: '../changes/models.js#FailoverTestStarted',
          StopBgpFailoverTestSuccess: '../changes/models.js#FailoverTestStopped',
          Change: '../audit/history.js#Change',
        },
        scalars: { DateTime: 'Date', SafeInt: 'number', JSONObject: 'Record<string, unknown>' },
        enumValues: Object.fromEntries(
          AWS_ENUMS.map((name) => [name, `../resolvers/awsEnums.js#${name}`]),
        ),
        resolversNonOptionalTypename: { unionMember: true, interfaceImplementingType: true },
      },
    },
  },
};

export default config;
