import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Connection, VirtualInterface } from '@aws-sdk/client-direct-connect';
import type { InputProblem } from '../input.js';
import type { LagView } from './impact.js';

// Plans bound to the state they saw (docs/contract.md, "Plans"). A dry run hands out
// a token that carries what its checks and its impact read (of the LAG, of what
// rides on it, of the connection and of a LAG it leaves), the input it was made for
// and when, signed so that the gateway can tell its own tokens from altered ones. The real call compares that with what AWS reports now. Carrying the
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

/**
 * What a plan remembers of the state: one value per field, named as StateChange
 * documents (`lag.minimumLinks`, `connection(dxcon-…).connectionState`, …), so that
 * comparing two states is comparing two flat maps. Null: it did not exist.
 */
export type PlannedState = Record<string, string | null>;

/** The change, the resources it names and the region (and a new value): a plan applies to exactly these. */
export type PlanInput = Record<string, string>;

interface PlanBody {
  operation: string;
  input: PlanInput;
  /** Epoch milliseconds when the dry run read the state. */
  plannedAt: number;
  state: PlannedState;
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
  changesFrom(current: PlannedState): StateChange[];
}

const peerKey = (peer: NonNullable<VirtualInterface['bgpPeers']>[number], index: number) =>
  peer.bgpPeerId ?? `${peer.addressFamily ?? 'peer'}#${index}`;

/**
 * What a change's checks and impact read of a LAG, under `name` (`lag`, or
 * `previousLag` for the one a connection leaves): the LAG's state, minimumLinks,
 * whether it is a partner's, its members with their states and bandwidths, its VIFs
 * with their BGP sessions, its hosted connections.
 */
export function lagState(name: string, view: LagView | null): PlannedState {
  if (!view) return { [name]: null };
  const { lag, virtualInterfaces, hostedConnections } = view;
  const state: PlannedState = {
    [name]: lag.lagId ?? 'exists',
    [`${name}.lagState`]: lag.lagState ?? null,
    [`${name}.minimumLinks`]: lag.minimumLinks === undefined ? null : String(lag.minimumLinks),
    [`${name}.allowsHostedConnections`]: String(lag.allowsHostedConnections === true),
    [`${name}.connectionsBandwidth`]: lag.connectionsBandwidth ?? null,
    [`${name}.awsDeviceV2`]: lag.awsDeviceV2 ?? null,
    [`${name}.encryptionMode`]: lag.encryptionMode ?? null,
    [`${name}.macSecKeys`]: String(lag.macSecKeys?.length ?? 0),
    [`${name}.members`]: (lag.connections ?? []).map((c) => c.connectionId).sort().join(', '),
    [`${name}.hostedConnections`]: hostedConnections.map((c) => c.connectionId).sort().join(', '),
  };
  for (const member of lag.connections ?? []) Object.assign(state, connectionState(member));
  return { ...state, ...virtualInterfacesState(virtualInterfaces) };
}

/** Each VIF's state and each of its BGP sessions' status. */
export function virtualInterfacesState(vifs: readonly VirtualInterface[]): PlannedState {
  const state: PlannedState = {};
  for (const vif of vifs) {
    state[`virtualInterface(${vif.virtualInterfaceId})`] = vif.virtualInterfaceState ?? 'unknown';
    (vif.bgpPeers ?? []).forEach((peer, i) => {
      state[`bgpPeer(${peerKey(peer, i)}).bgpStatus`] = peer.bgpStatus ?? 'unknown';
    });
  }
  return state;
}

/** What the checks read of one connection: its state, bandwidth, endpoint, MACsec and LAG. */
export function connectionState(connection: Connection): PlannedState {
  const at = `connection(${connection.connectionId})`;
  return {
    [`${at}.connectionState`]: connection.connectionState ?? null,
    [`${at}.bandwidth`]: connection.bandwidth ?? null,
    [`${at}.awsDeviceV2`]: connection.awsDeviceV2 ?? null,
    [`${at}.macSecCapable`]: String(connection.macSecCapable === true),
    [`${at}.lagId`]: connection.lagId ?? null,
  };
}

/** Every field that differs, in field order. */
export function compareStates(planned: PlannedState, current: PlannedState): StateChange[] {
  return [...new Set([...Object.keys(planned), ...Object.keys(current)])]
    .sort()
    .filter((field) => (planned[field] ?? null) !== (current[field] ?? null))
    .map((field) => ({ field, planned: planned[field] ?? null, current: current[field] ?? null }));
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
    const shown = (value: string | null) => (value === null ? 'absent' : value === '' ? 'none' : value);
    return `${c.field} was ${shown(c.planned)} and is now ${shown(c.current)}`;
  });
  return `The state this plan was made on has changed: ${lines.join('; ')}. Nothing was changed. Run the dry run again, review its impact and apply its new planToken.`;
}

export interface Plans {
  /** A token for a successful dry run of `operation` on `input`, bound to the `state` its checks read at `plannedAt` (default: now). */
  issue(operation: string, input: PlanInput, state: PlannedState, plannedAt?: number): string;
  /** The clock plans are dated by. */
  now(): number;
  /** The plan in a token, or the problem with a token this gateway did not make. */
  open(token: string, operation: string, input: PlanInput): OpenPlan | InputProblem;
}

/** What a dry run's answer needs to sign its plan when `planToken` is first read. */
interface PendingPlan {
  plans: Plans;
  operation: string;
  input: PlanInput;
  state: () => PlannedState;
  plannedAt: number;
  token?: string;
}

const PENDING = Symbol('pending plan');

/**
 * The class of every answer withPlanToken makes. Its getter lives on the prototype on
 * purpose: a getter defined on each answer would give each answer a hidden class of
 * its own (V8 keeps accessors in the hidden class), in old space, pointing at the
 * request's young objects, and those then survive every minor GC until a major one.
 */
class PlannedAnswer {
  declare [PENDING]: PendingPlan;

  get planToken(): string {
    const pending = this[PENDING];
    return (pending.token ??= pending.plans.issue(pending.operation, pending.input, pending.state(), pending.plannedAt));
  }

  /** Serialized (a kept outcome, a log line) with its token, as a plain answer would be. */
  toJSON(): object {
    return { ...this, planToken: this.planToken };
  }
}

/**
 * A dry run's answer whose `planToken` is signed when first read (dated when the state
 * was read, now), so that a client that does not select planToken costs no signing.
 * Read again, it is the same token.
 */
export function withPlanToken<T extends object>(
  answer: T,
  plans: Plans,
  operation: string,
  input: PlanInput,
  state: () => PlannedState,
): T & { planToken: string } {
  const planned = Object.assign(Object.create(PlannedAnswer.prototype) as PlannedAnswer, answer);
  planned[PENDING] = { plans, operation, input, state, plannedAt: plans.now() };
  return planned as unknown as T & { planToken: string };
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
    now,
    issue(operation, input, state, plannedAt = now()) {
      const body: PlanBody = { operation, input, plannedAt, state };
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
