import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { paginate } from '../paging.js';
import type { RegionStore, VirtualInterfaceRecord } from '../regionStore.js';
import { gatewayAttachmentShape } from '../shapes.js';
import { optionalDirectConnectGatewayId, optionalVirtualInterfaceId, pageRequest } from '../validate.js';

type AttachedVif = VirtualInterfaceRecord & { directConnectGatewayId: string };

/**
 * The attachments of virtual interfaces to Direct Connect gateways: "a Direct
 * Connect gateway, a virtual interface, or both" must be given (the model). They
 * are not stored apart: each is what a VIF's `directConnectGatewayId` says, in
 * whichever region the VIF is, so the list follows the VIFs as they are now. A
 * deleted VIF is attached to nothing. Unknown IDs find nothing.
 */
export const describeDirectConnectGatewayAttachments: Operation = (input, { stores }) => {
  const page = pageRequest(input);
  const gatewayId = optionalDirectConnectGatewayId(input);
  const vifId = optionalVirtualInterfaceId(input);
  if (gatewayId === undefined && vifId === undefined) {
    // Emulator's own wording: AWS's is not recorded.
    throw clientError('Specify a directConnectGatewayId, a virtualInterfaceId, or both.');
  }
  const attached: { store: RegionStore; vif: AttachedVif }[] = stores.all().flatMap((store) =>
    [...store.virtualInterfaces.values()]
      .filter((vif): vif is AttachedVif => vif.directConnectGatewayId !== undefined && vif.virtualInterfaceState !== 'deleted')
      .filter((vif) => (gatewayId === undefined || vif.directConnectGatewayId === gatewayId) && (vifId === undefined || vif.virtualInterfaceId === vifId))
      .map((vif) => ({ store, vif })),
  );
  const { items, nextToken } = paginate(
    attached,
    ({ vif }) => `${vif.directConnectGatewayId}/${vif.virtualInterfaceId}`,
    page,
    `global:DescribeDirectConnectGatewayAttachments:${gatewayId ?? '*'}:${vifId ?? '*'}`,
  );
  return { directConnectGatewayAttachments: items.map(({ store, vif }) => gatewayAttachmentShape(store, vif)), nextToken };
};
