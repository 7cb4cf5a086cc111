import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { findTaggable } from '../rules.js';
import { requiredString, tagList } from '../validate.js';

/** Adds tags, replacing the value of a key the resource already has. */
export const tagResource: Operation = (input, { store }) => {
  const resource = findTaggable(store, requiredString(input, 'resourceArn'));
  const tags = tagList(input, 'tags', true) ?? [];
  const merged = new Map(resource.tags.map((tag) => [tag.key, tag]));
  for (const tag of tags) merged.set(tag.key, tag);
  // Emulator's own wording; AWS allows 50 tags per resource.
  if (merged.size > 50) throw clientError('A resource can have at most 50 tags.');
  resource.tags = [...merged.values()];
  return {};
};
