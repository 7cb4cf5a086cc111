import { compareStates } from '../changes/plan.js';
import { GatewayError } from '../errors/GatewayError.js';
import type { LiveEvent, Observed } from './watched.js';

// One subscription's events: it compares every poll of its resource with what it
// last sent (the state at subscribe time first), and queues an event when a watched
// field moved. Each subscriber compares for itself, so one that subscribed between two
// polls is told exactly what moved since it looked.

/**
 * Events a subscriber has not taken yet. Sockets that stop reading are dropped long
 * before (src/http/websocket.ts); this only bounds what a stalled operation could hold.
 */
const MAX_QUEUED = 100;

export interface FeedHooks {
  /** Stops the watching; called once, when the feed ends for any reason. */
  ended(): void;
  /** Called as each event is handed on: the subscriber's reads for it start afresh. */
  beforeEach(): void;
  /** An event was queued. */
  queued(): void;
}

export class Feed implements AsyncIterableIterator<LiveEvent> {
  private readonly queued: LiveEvent[] = [];
  private waiting?: { resolve: (result: IteratorResult<LiveEvent>) => void; reject: (error: unknown) => void };
  private ended = false;
  /** Once the entity is gone: its last event is queued, then the feed ends. */
  private gone = false;
  private failure?: GatewayError;

  private last: Observed;
  /** When the state last sent was read (at the latest), epoch ms: a poll that began before it is older news. */
  private seenAt: number;

  constructor(
    baseline: { observed: Observed; readFrom: number },
    private readonly hooks: FeedHooks,
  ) {
    this.last = baseline.observed;
    this.seenAt = baseline.readFrom;
  }

  /** A poll of the resource, read at `readAt`. */
  offer(observed: Observed, readAt: number): void {
    if (this.ended || this.gone || readAt < this.seenAt) return;
    const changes = compareStates(this.last.state, observed.state);
    this.seenAt = readAt;
    if (changes.length === 0) return;
    this.last = observed;
    if (observed.entity === null) this.gone = true;
    this.hooks.queued();
    this.push({ entity: observed.entity, changes, observedAt: new Date(readAt) });
  }

  private push(event: LiveEvent): void {
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      this.hooks.beforeEach();
      resolve({ value: event, done: false });
      return;
    }
    if (this.queued.length >= MAX_QUEUED) {
      this.failure = new GatewayError('INTERNAL_SERVER_ERROR', `The subscriber fell ${MAX_QUEUED} events behind; the subscription ended. Subscribe again for the current state.`);
      this.finish();
      return;
    }
    this.queued.push(event);
  }

  next(): Promise<IteratorResult<LiveEvent>> {
    const event = this.queued.shift();
    if (event) {
      this.hooks.beforeEach();
      return Promise.resolve({ value: event, done: false });
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended || this.gone) {
      this.finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<LiveEvent>> {
    this.finish();
    this.queued.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<LiveEvent>> {
    this.finish();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.hooks.ended();
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting && this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      waiting.reject(failure);
    } else waiting?.resolve({ value: undefined, done: true });
  }
}
