import type { TrafficService } from '../../src/aws/cloudWatch.js';
import type { Live } from '../../src/live/live.js';
import type { MaintenanceService } from '../../src/aws/health.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { AuditTrail } from '../../src/audit/trail.js';
import { createPlans, withPlanToken } from '../../src/changes/plan.js';
import { createContextFactory } from '../../src/context.js';
import type { Guards } from '../../src/coordination/guards.js';
import { DirectConnectService } from '../../src/aws/directConnect.js';
import { createLoaders } from '../../src/loaders/index.js';
import { createMetrics } from '../../src/metrics.js';

// The objects made for every request keep their lazy parts behind getters on a class
// prototype, never on the object itself. V8 keeps accessors in an object's hidden
// class: a getter defined on each object (an object literal's `get x()`, or
// defineProperty) gives each object a hidden class of its own, in old space, that
// points at the request's young objects, and every request then survives minor GCs
// until a major one. Measured: 5 ms scavenges and a third fewer requests a second.

/** The object's own accessor properties: there should be none. */
const ownAccessors = (object: object) =>
  Object.entries(Object.getOwnPropertyDescriptors(object))
    .filter(([, descriptor]) => descriptor.get !== undefined || descriptor.set !== undefined)
    .map(([name]) => name);

const silent = pino({ level: 'silent' });
const service = new DirectConnectService(() => {
  throw new Error('no AWS here');
}, silent);

describe('objects made per request', () => {
  it('a GraphQL context: its logger is made lazily by the prototype', () => {
    const contextFor = createContextFactory(
      { defaultRegion: 'us-east-1', regions: ['us-east-1'], batching: true },
      { directConnect: service, traffic: {} as TrafficService, maintenance: {} as MaintenanceService, live: {} as Live, logger: silent, audit: {} as AuditTrail, metrics: createMetrics(), plans: createPlans(), guards: {} as Guards },
    );
    const context = contextFor({ requestId: 'r1', caller: { id: 'someone', roles: [], via: 'none' }, abortSignal: new AbortController().signal });
    expect(ownAccessors(context)).toEqual([]);
    expect(context.logger.bindings()).toMatchObject({ reqId: 'r1' });
    // Apollo hands resolvers a copy made as Object.assign(Object.create(prototype), context).
    const copy = Object.assign(Object.create(Object.getPrototypeOf(context)) as typeof context, context);
    expect(copy.logger.bindings()).toMatchObject({ reqId: 'r1' });
    expect(ownAccessors(context.loaders)).toEqual([]);
  });

  it("a request's loaders", () => {
    expect(ownAccessors(createLoaders(service))).toEqual([]);
  });

  it("a dry run's answer, whose planToken is signed when read", () => {
    const answer = withPlanToken({ dryRun: true }, createPlans(), 'disassociateConnectionFromLag', { connectionId: 'c', lagId: 'l', region: 'us-east-1' }, () => ({}));
    expect(ownAccessors(answer)).toEqual([]);
    expect(answer.planToken).toMatch(/^p1\./);
  });
});
