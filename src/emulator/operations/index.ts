import type { Operation } from '../operation.js';
import { associateConnectionWithLag } from './associateConnectionWithLag.js';
import { createConnection } from './createConnection.js';
import { createLag } from './createLag.js';
import { deleteConnection } from './deleteConnection.js';
import { deleteLag } from './deleteLag.js';
import { describeConnections } from './describeConnections.js';
import { describeHostedConnections } from './describeHostedConnections.js';
import { describeInterconnects } from './describeInterconnects.js';
import { describeLags } from './describeLags.js';
import { describeTags } from './describeTags.js';
import { describeVirtualInterfaces } from './describeVirtualInterfaces.js';
import { disassociateConnectionFromLag } from './disassociateConnectionFromLag.js';
import { tagResource } from './tagResource.js';
import { untagResource } from './untagResource.js';
import { updateLag } from './updateLag.js';

/** The operations the emulator answers, by their `X-Amz-Target` name. */
export const operations: Readonly<Record<string, Operation>> = {
  AssociateConnectionWithLag: associateConnectionWithLag,
  CreateConnection: createConnection,
  CreateLag: createLag,
  DeleteConnection: deleteConnection,
  DeleteLag: deleteLag,
  DescribeConnections: describeConnections,
  DescribeHostedConnections: describeHostedConnections,
  DescribeInterconnects: describeInterconnects,
  DescribeLags: describeLags,
  DescribeTags: describeTags,
  DescribeVirtualInterfaces: describeVirtualInterfaces,
  DisassociateConnectionFromLag: disassociateConnectionFromLag,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateLag: updateLag,
};

export const operationNames = Object.keys(operations);

export function findOperation(name: string): Operation | undefined {
  return Object.hasOwn(operations, name) ? operations[name] : undefined;
}
