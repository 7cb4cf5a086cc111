import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { findTaggable } from '../rules.js';
import { stringList } from '../validate.js';

export const describeTags: Operation = (input, { store }) => {
  const arns = stringList(input, 'resourceArns');
  // Emulator's own wording; the model allows up to 20 ARNs per call.
  if (arns.length > 20) throw clientError('resourceArns accepts at most 20 ARNs.');
  return {
    resourceTags: arns.map((arn) => ({ resourceArn: arn, tags: findTaggable(store, arn).tags })),
  };
};
