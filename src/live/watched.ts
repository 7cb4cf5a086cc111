import type { Connection, Lag, VirtualInterface } from '@aws-sdk/client-direct-connect';
import { connectionState, lagState, virtualInterfacesState, type PlannedState, type StateChange } from '../changes/plan.js';

// What a subscription watches of a resource (docs/contract.md, "Live state"), as the
// flat field → value maps plans compare (src/changes/plan.ts): so an event's changes
// are the same StateChange entries, with the same paths, as a plan's StateChanged.

export type WatchedKind = 'lag' | 'connection' | 'virtualInterface';

export interface Watched {
  kind: WatchedKind;
  region: string;
  id: string;
}

/** A watched resource's name within its region: what the fleet shares (src/live/fleet.ts). */
export const watchKey = (kind: WatchedKind, id: string): string => `${kind}:${id}`;

export function parseWatchKey(key: string): { kind: WatchedKind; id: string } | undefined {
  const [kind, id] = key.split(':', 2);
  if ((kind === 'lag' || kind === 'connection' || kind === 'virtualInterface') && id) return { kind, id };
  return undefined;
}

export type WatchedEntity = Lag | Connection | VirtualInterface;

/** A resource's watched fields and the resource itself as read; entity null once it is gone. */
export interface Observed {
  state: PlannedState;
  entity: WatchedEntity | null;
}

/** One event of a subscription: the resource as read (null once gone), what moved, and when it was read. */
export interface LiveEvent {
  entity: WatchedEntity | null;
  changes: StateChange[];
  observedAt: Date;
}

/** A region's listings as a poll read them, by ID: each kind only if something watched needs it. */
export interface Listings {
  lags?: ReadonlyMap<string, Lag>;
  connections?: ReadonlyMap<string, Connection>;
  virtualInterfaces: ReadonlyMap<string, VirtualInterface>;
  /** VIFs by what they ride on (a connection's or a LAG's ID). */
  virtualInterfacesOn: ReadonlyMap<string, readonly VirtualInterface[]>;
}

export function indexListings(read: { lags?: readonly Lag[]; connections?: readonly Connection[]; virtualInterfaces: readonly VirtualInterface[] }): Listings {
  const on = new Map<string, VirtualInterface[]>();
  for (const vif of read.virtualInterfaces) {
    const parent = vif.connectionId ?? '';
    const riding = on.get(parent);
    if (riding) riding.push(vif);
    else on.set(parent, [vif]);
  }
  return {
    lags: read.lags && new Map(read.lags.map((lag) => [lag.lagId ?? '', lag])),
    connections: read.connections && new Map(read.connections.map((connection) => [connection.connectionId ?? '', connection])),
    virtualInterfaces: new Map(read.virtualInterfaces.map((vif) => [vif.virtualInterfaceId ?? '', vif])),
    virtualInterfacesOn: on,
  };
}

/** The listings a poll must read for what is watched; VIFs always (every kind shows VIFs). */
export function listingsFor(kinds: Iterable<WatchedKind>): { lags: boolean; connections: boolean } {
  const wanted = new Set(kinds);
  return { lags: wanted.has('lag'), connections: wanted.has('connection') };
}

/**
 * AWS keeps listing a deleted resource for a while, in state `deleted`: for a
 * subscriber it is gone. (A connection leaving a LAG is not deleted; it stays.)
 */
const gone = (state: string | undefined) => state === 'deleted';

/**
 * A LAG's watched fields: what a plan compares (state, minimumLinks, members and their
 * states, VIFs and BGP sessions) but its hosted connections, which AWS lists per LAG
 * only and which a watcher would otherwise ask for one call per watched LAG.
 */
export function lagObserved(lag: Lag | null | undefined, vifsOnLag: readonly VirtualInterface[]): Observed {
  if (!lag || gone(lag.lagState)) return { state: lagState('lag', null), entity: null };
  const { 'lag.hostedConnections': _unread, ...state } = lagState('lag', { lag, virtualInterfaces: [...vifsOnLag], hostedConnections: [] });
  return { state, entity: lag };
}

/** A connection's watched fields, with the VIFs riding on it (when it joins a LAG they move to the LAG). */
export function connectionObserved(id: string, connection: Connection | null | undefined, vifsOnConnection: readonly VirtualInterface[]): Observed {
  const at = `connection(${id})`;
  if (!connection || gone(connection.connectionState)) return { state: { [at]: null }, entity: null };
  return { state: { [at]: id, ...connectionState(connection), ...virtualInterfacesState(vifsOnConnection) }, entity: connection };
}

export function virtualInterfaceObserved(id: string, vif: VirtualInterface | null | undefined): Observed {
  if (!vif || gone(vif.virtualInterfaceState)) return { state: { [`virtualInterface(${id})`]: null }, entity: null };
  return { state: virtualInterfacesState([vif]), entity: vif };
}

/** One watched resource as the listings show it. */
export function observedIn(listings: Listings, kind: WatchedKind, id: string): Observed {
  const riding = listings.virtualInterfacesOn.get(id) ?? [];
  switch (kind) {
    case 'lag':
      return lagObserved(listings.lags?.get(id), riding);
    case 'connection':
      return connectionObserved(id, listings.connections?.get(id), riding);
    case 'virtualInterface':
      return virtualInterfaceObserved(id, listings.virtualInterfaces.get(id));
  }
}
