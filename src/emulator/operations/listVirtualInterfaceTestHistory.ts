import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { newestFirst, paginate } from '../paging.js';
import { virtualInterfaceTestShape } from '../shapes.js';
import { optionalInteger, optionalString, optionalStringList, optionalVirtualInterfaceId } from '../validate.js';

/** "If MaxResults is given a value larger than 100, only 100 results are returned" (the model). */
const MAX_RESULTS = 100;
/** "AWS deletes the test history after 365 days" (User Guide, "Test history"). */
const HISTORY_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The region's failover tests of the last 365 days, newest start first (ties by
 * testId), matching every filter given: `testId`, `virtualInterfaceId`, `status`,
 * and `bgpPeers` (the tests that put any of them down; an empty list filters
 * nothing). A well-formed VIF ID the region does not know finds nothing rather than
 * being refused: the history of a VIF outlives it, and what AWS answers is not
 * recorded. A `maxResults` above 100 is clamped, as the model says; below 1 is refused.
 */
export const listVirtualInterfaceTestHistory: Operation = (input, { store, now }) => {
  const testId = optionalString(input, 'testId');
  const vifId = optionalVirtualInterfaceId(input);
  const bgpPeers = optionalStringList(input, 'bgpPeers');
  const status = optionalString(input, 'status');
  const maxResults = optionalInteger(input, 'maxResults');
  // Emulator's own wording.
  if (maxResults !== undefined && maxResults < 1) throw clientError(`maxResults must be at least 1; got ${maxResults}.`);
  const nextToken = optionalString(input, 'nextToken');

  const tests = [...store.failoverTests.values()].filter(
    (test) =>
      now - test.startTime <= HISTORY_MS &&
      (testId === undefined || test.testId === testId) &&
      (vifId === undefined || test.virtualInterfaceId === vifId) &&
      (status === undefined || test.status === status) &&
      (bgpPeers === undefined || bgpPeers.length === 0 || test.bgpPeers.some((peerId) => bgpPeers.includes(peerId))),
  );
  const filters = JSON.stringify([testId, vifId, bgpPeers ?? [], status]);
  const { items, nextToken: next } = paginate(
    tests,
    (test) => newestFirst(test.startTime, test.testId),
    { maxResults: maxResults === undefined ? undefined : Math.min(maxResults, MAX_RESULTS), nextToken },
    `${store.region}:ListVirtualInterfaceTestHistory:${filters}`,
  );
  return { virtualInterfaceTestHistory: items.map(virtualInterfaceTestShape), nextToken: next };
};
