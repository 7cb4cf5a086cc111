import { AsyncLocalStorage } from 'node:async_hooks';
import type { FinalizeHandler } from '@smithy/types';

// A mutating call's window (src/audit/timing.ts): the SDK may retry it, with a
// backoff of up to 20 s a step and longer for a Retry-After, but no attempt may begin
// after the window, or reconciliation could read AWS's state before the change's last
// attempt arrives. The window rides with the call (AsyncLocalStorage) to a middleware
// inside the SDK's retry loop, which refuses an attempt that would begin too late.

/** Thrown instead of an attempt that would begin after its call's window: that attempt is never sent. */
export class CallWindowPassed extends Error {
  constructor(windowMs: number) {
    super(`no further attempt was sent: the call's window of ${windowMs} ms had passed`);
    this.name = 'CallWindowPassed';
  }
}

const windows = new AsyncLocalStorage<{ by: number; windowMs: number }>();

/** Runs `call` with no SDK attempt beginning later than `windowMs` from now. */
export function withinCallWindow<T>(windowMs: number, call: () => Promise<T>): Promise<T> {
  return windows.run({ by: performance.now() + windowMs, windowMs }, call);
}

/**
 * Runs before each attempt (its step and priority put it inside the retry loop), so
 * the last attempt begins within the window; reads carry no window and pass. Not
 * retryable: a client error to the SDK's retry strategy, so the call ends here.
 */
export function keepToCallWindow<Input extends object, Output extends object>(next: FinalizeHandler<Input, Output>): FinalizeHandler<Input, Output> {
  return async (args) => {
    const window = windows.getStore();
    if (window && performance.now() > window.by) throw new CallWindowPassed(window.windowMs);
    return next(args);
  };
}
