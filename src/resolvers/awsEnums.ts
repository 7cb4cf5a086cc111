// The one table from GraphQL enum values to the strings AWS sends. codegen.ts
// points its `enumValues` here to type the resolvers, and index.ts hands the same
// objects to Apollo at run time.

export enum ConnectionState {
  ORDERING = 'ordering',
  REQUESTED = 'requested',
  PENDING = 'pending',
  AVAILABLE = 'available',
  DOWN = 'down',
  DELETING = 'deleting',
  DELETED = 'deleted',
  REJECTED = 'rejected',
  UNKNOWN = 'unknown',
}

export enum LagState {
  REQUESTED = 'requested',
  PENDING = 'pending',
  AVAILABLE = 'available',
  DOWN = 'down',
  DELETING = 'deleting',
  DELETED = 'deleted',
  UNKNOWN = 'unknown',
}

export enum HasLogicalRedundancy {
  UNKNOWN = 'unknown',
  YES = 'yes',
  NO = 'no',
}

export enum EncryptionMode {
  NO_ENCRYPT = 'no_encrypt',
  SHOULD_ENCRYPT = 'should_encrypt',
  MUST_ENCRYPT = 'must_encrypt',
}

export enum PortEncryptionStatus {
  ENCRYPTION_UP = 'Encryption Up',
  ENCRYPTION_DOWN = 'Encryption Down',
}

export enum MacSecKeyState {
  ASSOCIATING = 'associating',
  ASSOCIATED = 'associated',
  DISASSOCIATING = 'disassociating',
  DISASSOCIATED = 'disassociated',
}

export enum VirtualInterfaceState {
  CONFIRMING = 'confirming',
  VERIFYING = 'verifying',
  PENDING = 'pending',
  AVAILABLE = 'available',
  DOWN = 'down',
  TESTING = 'testing',
  DELETING = 'deleting',
  DELETED = 'deleted',
  REJECTED = 'rejected',
  UNKNOWN = 'unknown',
}

export enum BgpPeerState {
  VERIFYING = 'verifying',
  PENDING = 'pending',
  AVAILABLE = 'available',
  DELETING = 'deleting',
  DELETED = 'deleted',
}

export enum BgpStatus {
  UP = 'up',
  DOWN = 'down',
  UNKNOWN = 'unknown',
}

export enum AddressFamily {
  IPV4 = 'ipv4',
  IPV6 = 'ipv6',
}

export enum InterconnectState {
  REQUESTED = 'requested',
  PENDING = 'pending',
  AVAILABLE = 'available',
  DOWN = 'down',
  DELETING = 'deleting',
  DELETED = 'deleted',
  UNKNOWN = 'unknown',
}

export enum DirectConnectGatewayState {
  PENDING = 'pending',
  AVAILABLE = 'available',
  DELETING = 'deleting',
  DELETED = 'deleted',
}

export enum DirectConnectGatewayAssociationState {
  ASSOCIATING = 'associating',
  ASSOCIATED = 'associated',
  DISASSOCIATING = 'disassociating',
  DISASSOCIATED = 'disassociated',
  UPDATING = 'updating',
}

export enum GatewayType {
  VIRTUAL_PRIVATE_GATEWAY = 'virtualPrivateGateway',
  TRANSIT_GATEWAY = 'transitGateway',
}

export enum DirectConnectGatewayAttachmentState {
  ATTACHING = 'attaching',
  ATTACHED = 'attached',
  DETACHING = 'detaching',
  DETACHED = 'detached',
}

export enum DirectConnectGatewayAttachmentType {
  TRANSIT_VIRTUAL_INTERFACE = 'TransitVirtualInterface',
  PRIVATE_VIRTUAL_INTERFACE = 'PrivateVirtualInterface',
}

/** AWS Health's event status codes (`statusCode`). */
export enum MaintenanceEventStatus {
  OPEN = 'open',
  UPCOMING = 'upcoming',
  CLOSED = 'closed',
}

export const enumValues = {
  ConnectionState,
  LagState,
  HasLogicalRedundancy,
  EncryptionMode,
  PortEncryptionStatus,
  MacSecKeyState,
  VirtualInterfaceState,
  BgpPeerState,
  BgpStatus,
  AddressFamily,
  InterconnectState,
  DirectConnectGatewayState,
  DirectConnectGatewayAssociationState,
  GatewayType,
  DirectConnectGatewayAttachmentState,
  DirectConnectGatewayAttachmentType,
  MaintenanceEventStatus,
};

export type AwsEnumName = keyof typeof enumValues;
