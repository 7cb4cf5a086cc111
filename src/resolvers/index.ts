import { DateTimeResolver, JSONObjectResolver, SafeIntResolver } from 'graphql-scalars';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { AssociateConnectionWithLagSuccess } from './AssociateConnectionWithLagSuccess.js';
import { BgpPeer } from './BgpPeer.js';
import { Change } from './Change.js';
import { AssociatedGateway } from './AssociatedGateway.js';
import { Connection } from './Connection.js';
import { DirectConnectGateway } from './DirectConnectGateway.js';
import { DirectConnectGatewayAssociation } from './DirectConnectGatewayAssociation.js';
import { DirectConnectGatewayAttachment } from './DirectConnectGatewayAttachment.js';
import { MaintenanceEvent } from './MaintenanceEvent.js';
import { DisassociateConnectionFromLagSuccess } from './DisassociateConnectionFromLagSuccess.js';
import { enumValues } from './awsEnums.js';
import { Interconnect } from './Interconnect.js';
import { Lag } from './Lag.js';
import { MacSecKey } from './MacSecKey.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { Subscription } from './Subscription.js';
import { StartBgpFailoverTestSuccess } from './StartBgpFailoverTestSuccess.js';
import { StopBgpFailoverTestSuccess } from './StopBgpFailoverTestSuccess.js';
import { UpdateLagMinimumLinksSuccess } from './UpdateLagMinimumLinksSuccess.js';
import { VirtualInterface } from './VirtualInterface.js';
import { VirtualInterfaceTest } from './VirtualInterfaceTest.js';

// Union and interface members carry `__typename`, which graphql-js's default
// type resolver reads, so the result union needs no resolver of its own.
export const resolvers: Resolvers = {
  Query,
  Mutation,
  Subscription,
  Connection,
  Lag,
  MacSecKey,
  VirtualInterface,
  BgpPeer,
  Interconnect,
  DirectConnectGateway,
  DirectConnectGatewayAssociation,
  DirectConnectGatewayAttachment,
  AssociatedGateway,
  MaintenanceEvent,
  DisassociateConnectionFromLagSuccess,
  AssociateConnectionWithLagSuccess,
  UpdateLagMinimumLinksSuccess,
  StartBgpFailoverTestSuccess,
  StopBgpFailoverTestSuccess,
  VirtualInterfaceTest,
  Change,
  DateTime: DateTimeResolver,
  JSONObject: JSONObjectResolver,
  SafeInt: SafeIntResolver,
  // Enum resolvers: GraphQL value → the string AWS uses.
  ...enumValues,
};
