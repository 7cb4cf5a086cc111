import type { Operation } from '../operation.js';
import { findTaggable } from '../rules.js';
import { requiredString, stringList } from '../validate.js';

export const untagResource: Operation = (input, { store }) => {
  const resource = findTaggable(store, requiredString(input, 'resourceArn'));
  const keys = new Set(stringList(input, 'tagKeys'));
  resource.tags = resource.tags.filter((tag) => !keys.has(tag.key));
  return {};
};
