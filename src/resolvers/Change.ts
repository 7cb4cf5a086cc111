import type { ChangeResolvers } from '../__generated__/resolvers-types.js';
import { decodeCursor, encodeCursor, type ChangeFilter, type ChangeHistory } from '../audit/history.js';
import { assertValid, GatewayError } from '../errors/GatewayError.js';
import type { RequestNotes } from '../context.js';
import { checkConnectionId, checkLagId, checkVirtualInterfaceId, type InputProblem } from '../input.js';

export const Change: ChangeResolvers = {
  // Records hold what the input was; an input that was not an object (never, through GraphQL) shows as empty.
  input: (change) => (typeof change.input === 'object' && change.input !== null && !Array.isArray(change.input) ? (change.input as Record<string, unknown>) : {}),
  resourceIds: (change) => [...change.resourceIds],
  warnings: (change) => [...change.warnings],
};

/** The arguments of `Query.changes`, and of `changes` on a LAG, connection or VIF (first and after only). */
export interface ChangeArgs {
  first?: number | null;
  after?: string | null;
  lagId?: string | null;
  connectionId?: string | null;
  virtualInterfaceId?: string | null;
  caller?: string | null;
  since?: Date | null;
  region?: string | null;
}

const MAX_PAGE = 100;

function checkArgs(args: ChangeArgs): InputProblem | undefined {
  const { first, after, lagId, connectionId, virtualInterfaceId, caller, region } = args;
  const given = (value: string | null | undefined): value is string => value !== null && value !== undefined;
  if (first === null || (first !== undefined && (first < 1 || first > MAX_PAGE))) return { field: 'first', message: `first must be from 1 to ${MAX_PAGE} (or left out: 50).` };
  if (given(after) && decodeCursor(after) === undefined) {
    return { field: 'after', message: 'after must be an endCursor this gateway gave in an earlier page of changes.' };
  }
  const problem =
    (given(lagId) ? checkLagId(lagId) : undefined) ??
    (given(connectionId) ? checkConnectionId(connectionId) : undefined) ??
    (given(virtualInterfaceId) ? checkVirtualInterfaceId(virtualInterfaceId) : undefined);
  if (problem) return problem;
  if (given(caller) && (caller.length === 0 || caller.length > 256)) return { field: 'caller', message: 'caller must be 1 to 256 characters.' };
  if (given(region) && !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) return { field: 'region', message: 'region must be an AWS region name such as "us-east-1".' };
  return undefined;
}

/** The page of a resource AWS listed without its ID (never seen): nothing names it. */
export const NO_CHANGES = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };

/**
 * A page of the change record, newest first: what every `changes` field answers. The
 * response cache knows only AWS reads' freshness, so a response with a page is never kept.
 */
export async function changePage({ audit, notes }: { audit: { history: ChangeHistory }; notes: RequestNotes }, args: ChangeArgs) {
  assertValid(checkArgs(args));
  notes.uncacheable = true;
  const { history } = audit;
  const filter: ChangeFilter = {};
  if (args.lagId) filter.lagId = args.lagId;
  if (args.connectionId) filter.connectionId = args.connectionId;
  if (args.virtualInterfaceId) filter.virtualInterfaceId = args.virtualInterfaceId;
  if (args.caller) filter.caller = args.caller;
  if (args.region) filter.region = args.region;
  if (args.since) filter.since = args.since;
  const page = await history.list(filter, args.first ?? 50, args.after ? decodeCursor(args.after) : undefined).catch((error: unknown) => {
    // The database is down, cut off or too slow: the record exists, but cannot be read now.
    const { code, message } = error as { code?: string; message?: string };
    throw new GatewayError('AUDIT_UNAVAILABLE', `The change record could not be read (${code ?? message ?? 'no answer'}). Retry shortly; /readyz says whether the audit sink can be reached.`, { cause: error });
  });
  const edges = page.changes.map(({ position, change }) => ({ cursor: encodeCursor(position), node: change }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
