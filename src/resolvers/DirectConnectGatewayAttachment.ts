import type { DirectConnectGatewayAttachmentResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const DirectConnectGatewayAttachment: DirectConnectGatewayAttachmentResolvers = {
  attachmentState: (attachment, _args, context) => knownEnumValue('DirectConnectGatewayAttachmentState', attachment.attachmentState, context),
  attachmentType: (attachment, _args, context) => knownEnumValue('DirectConnectGatewayAttachmentType', attachment.attachmentType, context),
};
