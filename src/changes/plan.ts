import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { VirtualInterface } from '@aws-sdk/client-direct-connect';
import type { InputProblem } from '../input.js';
import type { LagView } from './impact.js';

// Plans bound to the state they saw (docs/contract.md, "Plans"). A dry run hands out
// a token that carries what its checks and its impact read of the LAG (state,
// minimumLinks, whether it allows hosted connections, members with their states and
// bandwidths) and of what rides on it (VIFs and their BGP sessions, hosted
// connections), the input
// it was made for and when, signed so that the gateway can tell its own tokens from
// altered ones. The real call compares that with what AWS reports now. Carrying the
// state in the token, rather than storing it, lets any replica that shares the
// secret check any plan, and lets StateChanged say what changed, field by field.

/** Plans older than this are refused: the state they saw is too old to trust. */
export const PLAN_LIFETIME_MS = 15 * 60 * 1000;
/** A token carrying this much is not one of ours; refused before any parsing. */
const MAX_TOKEN_LENGTH = 64 * 1024;
const VERSION = 'p1';
/** base64url without padding; a SHA-256 HMAC is 43 such characters. */
const BODY = /^[A-Za-z0-9_-]+$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
/** Replicas' clocks differ a little; a plan from slightly ahead is not refused for it. */
const CLOCK_SKEW_MS = 60_000;

/** What a plan remembers of the state, in a form that compares field by field. */
export interface PlannedState {
  lagState: string | null;
  minimumLinks: number | null;
  /** Whether it is a partner's LAG: what BECOMES_INTERCONNECT rests on. */
  allowsHostedConnections: boolean;
  /** Member connection ID → its connectionState and bandwidth (what capacity rests on). */
  members: Record<string, { state: string; bandwidth: string | null }>;
  /** VIF ID → its state and its BGP sessions' statuses by peer ID. */
  virtualInterfaces: Record<string, { state: string; bgp: Record<string, string> }>;
  /** The IDs of the hosted connections on the LAG, sorted. */
  hostedConnections: string[];
}

/** The change, the resources it names and the region: a plan applies to exactly these. */
export type PlanInput = Record<string, string>;

interface PlanBody {
  operation: string;
  input: PlanInput;
  /** Epoch milliseconds when the dry run read the state. */
  plannedAt: number;
  /** Null: the LAG did not exist. */
  state: PlannedState | null;
}

export interface StateChange {
  field: string;
  planned: string | null;
  current: string | null;
}

export interface OpenPlan {
  plannedAt: Date;
  /** Differences that need no new read: another input, or too old. Non-empty means refuse. */
  staleness: StateChange[];
  /** Differences between what the plan saw and `current`. */
  changesFrom(current: PlannedState | null): StateChange[];
}

const peerKey = (peer: NonNullable<VirtualInterface['bgpPeers']>[number], index: number) =>
  peer.bgpPeerId ?? `${peer.addressFamily ?? 'peer'}#${index}`;

export function plannedState(view: LagView | null): PlannedState | null {
  if (!view) return null;
  const { lag, virtualInterfaces, hostedConnections } = view;
  return {
    lagState: lag.lagState ?? null,
    minimumLinks: lag.minimumLinks ?? null,
    allowsHostedConnections: lag.allowsHostedConnections === true,
    members: Object.fromEntries(
      (lag.connections ?? []).map((c) => [c.connectionId ?? '', { state: c.connectionState ?? 'unknown', bandwidth: c.bandwidth ?? null }]),
    ),
    hostedConnections: hostedConnections.map((c) => c.connectionId ?? '').sort(),
    virtualInterfaces: Object.fromEntries(
      virtualInterfaces.map((vif) => [
        vif.virtualInterfaceId ?? '',
        {
          state: vif.virtualInterfaceState ?? 'unknown',
          bgp: Object.fromEntries((vif.bgpPeers ?? []).map((peer, i) => [peerKey(peer, i), peer.bgpStatus ?? 'unknown'])),
        },
      ]),
    ),
  };
}

/** Every field that differs, named as StateChange documents. */
export function compareStates(planned: PlannedState | null, current: PlannedState | null): StateChange[] {
  if (!planned || !current) {
    return planned === current ? [] : [{ field: 'lag', planned: planned ? 'exists' : null, current: current ? 'exists' : null }];
  }
  const changes: StateChange[] = [];
  const differ = (field: string, a: string | number | null | undefined, b: string | number | null | undefined) => {
    if ((a ?? null) !== (b ?? null)) changes.push({ field, planned: a === undefined || a === null ? null : String(a), current: b === undefined || b === null ? null : String(b) });
  };
  differ('lag.lagState', planned.lagState, current.lagState);
  differ('lag.minimumLinks', planned.minimumLinks, current.minimumLinks);
  differ('lag.allowsHostedConnections', String(planned.allowsHostedConnections), String(current.allowsHostedConnections));
  const plannedMembers = Object.keys(planned.members).sort().join(', ');
  const currentMembers = Object.keys(current.members).sort().join(', ');
  differ('lag.members', plannedMembers, currentMembers);
  for (const [id, before] of Object.entries(planned.members)) {
    const now = current.members[id];
    if (!now) continue;
    differ(`connection(${id}).connectionState`, before.state, now.state);
    differ(`connection(${id}).bandwidth`, before.bandwidth, now.bandwidth);
  }
  differ('lag.hostedConnections', planned.hostedConnections.join(', '), current.hostedConnections.join(', '));
  const vifIds = [...new Set([...Object.keys(planned.virtualInterfaces), ...Object.keys(current.virtualInterfaces)])].sort();
  for (const id of vifIds) {
    const before = planned.virtualInterfaces[id];
    const now = current.virtualInterfaces[id];
    if (!before || !now) {
      differ(`virtualInterface(${id})`, before ? 'on the LAG' : null, now ? 'on the LAG' : null);
      continue;
    }
    differ(`virtualInterface(${id}).virtualInterfaceState`, before.state, now.state);
    for (const peer of [...new Set([...Object.keys(before.bgp), ...Object.keys(now.bgp)])].sort()) {
      differ(`bgpPeer(${peer}).bgpStatus`, before.bgp[peer], now.bgp[peer]);
    }
  }
  return changes;
}

/** One sentence per change, for StateChanged's message. */
export function describeChanges(changes: readonly StateChange[], plannedAt: Date): string {
  const lines = changes.map((c) => {
    if (c.field === 'plan.age') {
      return c.planned !== null && c.current !== null && c.planned > c.current
        ? `the plan is dated ${plannedAt.toISOString()}, later than this gateway's clock (${c.current})`
        : `the plan was made at ${plannedAt.toISOString()}, more than 15 minutes ago`;
    }
    if (c.field === 'operation') return `the plan was made for ${c.planned}, not ${c.current}`;
    if (c.field.startsWith('input.')) return `the plan was made for ${c.field.slice(6)} ${c.planned ?? '(none)'}, not ${c.current ?? '(none)'}`;
    return `${c.field} was ${c.planned ?? 'absent'} and is now ${c.current ?? 'absent'}`;
  });
  return `The state this plan was made on has changed: ${lines.join('; ')}. Nothing was changed. Run the dry run again, review its impact and apply its new planToken.`;
}

/** How the audit trail names a plan: enough to match it, without a blob an auditor cannot read. */
export const planTokenDigest = (token: string): string =>
  `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;

export interface Plans {
  /** A token for a successful dry run of `operation` on `input`, bound to `view`. */
  issue(operation: string, input: PlanInput, view: LagView | null): string;
  /** The plan in a token, or the problem with a token this gateway did not make. */
  open(token: string, operation: string, input: PlanInput): OpenPlan | InputProblem;
}

/**
 * @param secret shared by every replica that may check another's plans; a fresh
 *   random one per process otherwise.
 * @param now the clock, injectable so that tests need not wait 15 minutes.
 */
export function createPlans(options: { secret?: string; now?: () => number } = {}): Plans {
  const key = options.secret ? Buffer.from(options.secret, 'utf8') : randomBytes(32);
  const now = options.now ?? Date.now;
  const sign = (body: string) => createHmac('sha256', key).update(`${VERSION}.${body}`).digest();
  const notOurs: InputProblem = {
    field: 'expectedPlanToken',
    message:
      'expectedPlanToken is not a plan this gateway made: it is malformed or was altered (or was made by a gateway with ' +
      'another PLAN_TOKEN_SECRET). Pass the planToken of a dry run unchanged, or run the dry run again.',
  };

  return {
    issue(operation, input, view) {
      const body: PlanBody = { operation, input, plannedAt: now(), state: plannedState(view) };
      const encoded = Buffer.from(JSON.stringify(body)).toString('base64url');
      return `${VERSION}.${encoded}.${sign(encoded).toString('base64url')}`;
    },

    open(token, operation, input) {
      if (token.length > MAX_TOKEN_LENGTH) return notOurs;
      const [version, encoded, signature, ...rest] = token.split('.');
      // Exact forms first: Node's base64url decoder skips characters it does not know.
      if (version !== VERSION || !encoded || !signature || rest.length > 0 || !BODY.test(encoded) || !SIGNATURE.test(signature)) {
        return notOurs;
      }
      const expected = Buffer.from(sign(encoded).toString('base64url'));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return notOurs;
      const body = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as PlanBody;

      const plannedAt = new Date(body.plannedAt);
      const staleness: StateChange[] = [];
      if (body.operation !== operation) staleness.push({ field: 'operation', planned: body.operation, current: operation });
      for (const field of [...new Set([...Object.keys(body.input), ...Object.keys(input)])].sort()) {
        if (body.input[field] !== input[field]) {
          staleness.push({ field: `input.${field}`, planned: body.input[field] ?? null, current: input[field] ?? null });
        }
      }
      const age = now() - body.plannedAt;
      if (age > PLAN_LIFETIME_MS || age < -CLOCK_SKEW_MS) {
        staleness.push({ field: 'plan.age', planned: plannedAt.toISOString(), current: new Date(now()).toISOString() });
      }
      return { plannedAt, staleness, changesFrom: (current) => compareStates(body.state, current) };
    },
  };
}
