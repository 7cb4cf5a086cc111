import type { ServedRegions } from '../input.js';
import type { Loaders } from '../loaders/index.js';
import type { LiveEvent } from './watched.js';

// What the GraphQL context offers of subscriptions (docs/contract.md, "Live state");
// src/live/subscriptions.ts does it. Types only, so that the context's module does not
// reach the error codes, which the generated resolver types define.

/** What a subscription needs of its GraphQL context. */
export interface SubscriberContext {
  loaders: Loaders;
  regions: ServedRegions;
  /** A subscription's context lives for all its events: each reads afresh. */
  renewLoaders(): void;
}

export type { LiveEvent };

export interface Live {
  /** A change through the gateway: subscribers hear of it at once (through the watcher, wherever it runs). */
  changed(region: string): void;
  /** The events of one LAG; refused (LAG_NOT_FOUND, BAD_USER_INPUT) before anything is watched. */
  lagChanges(lagId: string, region: string | null | undefined, context: SubscriberContext): Promise<AsyncIterable<LiveEvent>>;
  connectionChanges(connectionId: string, region: string | null | undefined, context: SubscriberContext): Promise<AsyncIterable<LiveEvent>>;
  virtualInterfaceChanges(virtualInterfaceId: string, region: string | null | undefined, context: SubscriberContext): Promise<AsyncIterable<LiveEvent>>;
}
