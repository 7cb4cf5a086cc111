import { clientError, type AwsError } from './protocol.js';
import type { PageRequest } from './validate.js';

/**
 * AWS-style paging: items in ID order, a page of at most `maxResults` (all of
 * them when it is absent, as AWS answers), and an opaque token that remembers
 * the last ID handed out and the listing (region and operation) it belongs to. Keying on the last ID
 * rather than an offset keeps pages exact while resources change between calls.
 */

/** What a token remembers: the listing it belongs to and the last ID it handed out. */
interface PageToken {
  scope: string;
  after: string;
}

const encode = (body: PageToken): string => Buffer.from(JSON.stringify(body)).toString('base64');

// Emulator's own wording: AWS's message for a bad token is not recorded.
const invalidDirectConnectToken = (): AwsError => clientError('The nextToken provided is not valid for this request.');

function decode(token: string, scope: string, invalidToken: () => AwsError): string {
  const invalid = invalidToken();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalid;
  }
  const { scope: tokenScope, after } = (body ?? {}) as Partial<PageToken>;
  if (tokenScope !== scope || typeof after !== 'string') throw invalid;
  return after;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  items: T[],
  idOf: (item: T) => string,
  request: PageRequest,
  scope: string,
  invalidToken: () => AwsError = invalidDirectConnectToken,
): Page<T> {
  const sorted = [...items].sort((x, y) => (idOf(x) < idOf(y) ? -1 : idOf(x) > idOf(y) ? 1 : 0));
  const after = request.nextToken === undefined ? undefined : decode(request.nextToken, scope, invalidToken);
  const remaining = after === undefined ? sorted : sorted.filter((item) => idOf(item) > after);
  const size = request.maxResults ?? remaining.length;
  const page = remaining.slice(0, size);
  const last = page.at(-1);
  return remaining.length > size && last !== undefined
    ? { items: page, nextToken: encode({ scope, after: idOf(last) }) }
    : { items: page };
}

/**
 * A paging key that lists the newest first: paginate keeps ID order, so the key is
 * the time counted down, fixed-width, then the ID for ties. Health lists events
 * "sorted by lastModifiedTime, starting with the most recent"; the failover test
 * history is listed newest start first too.
 */
export const newestFirst = (time: number, id: string): string => `${String(Number.MAX_SAFE_INTEGER - time).padStart(16, '0')}|${id}`;
