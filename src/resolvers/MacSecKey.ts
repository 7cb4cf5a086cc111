import type { MacSecKeyResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const MacSecKey: MacSecKeyResolvers = {
  state: (key, _args, context) => knownEnumValue('MacSecKeyState', key.state, context),
};
