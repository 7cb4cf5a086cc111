import type { Operation } from '../operation.js';
import { associateConnectionWithLag } from './associateConnectionWithLag.js';
import { createConnection } from './createConnection.js';
import { createLag } from './createLag.js';
import { deleteConnection } from './deleteConnection.js';
import { deleteLag } from './deleteLag.js';
import { describeAffectedEntities } from './describeAffectedEntities.js';
import { describeConnections } from './describeConnections.js';
import { describeDirectConnectGatewayAssociations } from './describeDirectConnectGatewayAssociations.js';
import { describeDirectConnectGatewayAttachments } from './describeDirectConnectGatewayAttachments.js';
import { describeDirectConnectGateways } from './describeDirectConnectGateways.js';
import { describeEvents } from './describeEvents.js';
import { describeHostedConnections } from './describeHostedConnections.js';
import { describeInterconnects } from './describeInterconnects.js';
import { describeLags } from './describeLags.js';
import { describeTags } from './describeTags.js';
import { describeVirtualInterfaces } from './describeVirtualInterfaces.js';
import { disassociateConnectionFromLag } from './disassociateConnectionFromLag.js';
import { getMetricData } from './getMetricData.js';
import { listVirtualInterfaceTestHistory } from './listVirtualInterfaceTestHistory.js';
import { startBgpFailoverTest } from './startBgpFailoverTest.js';
import { stopBgpFailoverTest } from './stopBgpFailoverTest.js';
import { tagResource } from './tagResource.js';
import { untagResource } from './untagResource.js';
import { updateLag } from './updateLag.js';

/** The Direct Connect operations, by their `X-Amz-Target: OvertureService.<name>` name. */
export const directConnectOperations: Readonly<Record<string, Operation>> = {
  AssociateConnectionWithLag: associateConnectionWithLag,
  CreateConnection: createConnection,
  CreateLag: createLag,
  DeleteConnection: deleteConnection,
  DeleteLag: deleteLag,
  DescribeConnections: describeConnections,
  DescribeDirectConnectGatewayAssociations: describeDirectConnectGatewayAssociations,
  DescribeDirectConnectGatewayAttachments: describeDirectConnectGatewayAttachments,
  DescribeDirectConnectGateways: describeDirectConnectGateways,
  DescribeHostedConnections: describeHostedConnections,
  DescribeInterconnects: describeInterconnects,
  DescribeLags: describeLags,
  DescribeTags: describeTags,
  DescribeVirtualInterfaces: describeVirtualInterfaces,
  DisassociateConnectionFromLag: disassociateConnectionFromLag,
  ListVirtualInterfaceTestHistory: listVirtualInterfaceTestHistory,
  StartBgpFailoverTest: startBgpFailoverTest,
  StopBgpFailoverTest: stopBgpFailoverTest,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateLag: updateLag,
};

export const cloudWatchOperations: Readonly<Record<string, Operation>> = { GetMetricData: getMetricData };

export const healthOperations: Readonly<Record<string, Operation>> = {
  DescribeAffectedEntities: describeAffectedEntities,
  DescribeEvents: describeEvents,
};

/** Every operation the emulator answers, in all services: the names faults and stats go by (no two services share one). */
export const operationNames = [
  ...Object.keys(directConnectOperations),
  ...Object.keys(cloudWatchOperations),
  ...Object.keys(healthOperations),
];

export function findOperation(operations: Readonly<Record<string, Operation>>, name: string): Operation | undefined {
  return Object.hasOwn(operations, name) ? operations[name] : undefined;
}
