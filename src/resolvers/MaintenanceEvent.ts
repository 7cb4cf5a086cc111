import type { MaintenanceEventResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const MaintenanceEvent: MaintenanceEventResolvers = {
  statusCode: (event, _args, context) => knownEnumValue('MaintenanceEventStatus', event.statusCode, context),
};
