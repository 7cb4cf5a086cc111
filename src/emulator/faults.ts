import { isJsonObject } from './protocol.js';
import { operationNames } from './operations/index.js';

/**
 * Fault rules for tests: each matches AWS calls (all, or one operation), fires
 * with probability `rate`, and expires after `count` firings when a count is given.
 */

export const FAULT_TYPES = ['throttle', 'server-error', 'latency', 'drop', 'garbage', 'malformed-json'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];
/** The faults that replace the answer; latency only delays it. */
export type AnsweringFault = Exclude<FaultType, 'latency'>;

export interface FaultSpec {
  type: FaultType;
  operation?: string;
  rate?: number;
  count?: number;
  latencyMs?: number;
}

export interface FaultRule {
  id: string;
  type: FaultType;
  operation?: string;
  rate: number;
  /** Firings left; absent means unlimited. */
  count?: number;
  latencyMs?: number;
}

const MAX_LATENCY_MS = 60_000;
const KNOWN_KEYS = new Set(['type', 'operation', 'rate', 'count', 'latencyMs']);

/** Validates a fault body; returns every problem found, or the spec. */
export function parseFaultSpec(body: unknown): FaultSpec | { problems: string[] } {
  if (!isJsonObject(body)) return { problems: ['the body must be a JSON object'] };
  const problems: string[] = [];
  for (const key of Object.keys(body)) if (!KNOWN_KEYS.has(key)) problems.push(`unknown member "${key}"`);
  const { type, operation, rate, count, latencyMs } = body;
  if (typeof type !== 'string' || !(FAULT_TYPES as readonly string[]).includes(type)) {
    problems.push(`type must be one of ${FAULT_TYPES.join(', ')}`);
  }
  if (operation !== undefined && (typeof operation !== 'string' || !operationNames.includes(operation))) {
    problems.push(`operation must be one of ${operationNames.join(', ')}`);
  }
  if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))) {
    problems.push('rate must be a number from 0 to 1');
  }
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
    problems.push('count must be a positive integer');
  }
  const validLatency = typeof latencyMs === 'number' && Number.isInteger(latencyMs) && latencyMs >= 0 && latencyMs <= MAX_LATENCY_MS;
  if (latencyMs !== undefined && !validLatency) {
    problems.push(`latencyMs must be an integer from 0 to ${MAX_LATENCY_MS}`);
  }
  if (type === 'latency' && latencyMs === undefined) problems.push('a latency fault needs latencyMs');
  if (problems.length > 0) return { problems };
  return body as unknown as FaultSpec;
}

export class Faults {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(spec: FaultSpec): FaultRule {
    const rule: FaultRule = {
      id: `fault-${this.nextId++}`,
      type: spec.type,
      operation: spec.operation,
      rate: spec.rate ?? 1,
      count: spec.count,
      latencyMs: spec.type === 'latency' ? spec.latencyMs : undefined,
    };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  clear(): void {
    this.rules = [];
    this.nextId = 1;
  }

  /**
   * The rules that fire for this call, in the order they were added; counts are
   * spent here. Latency rules all add up; of the others only the first fires.
   */
  fire(operation: string, random: () => number = Math.random): { latencyMs: number; fault?: AnsweringFault } {
    let latencyMs = 0;
    let fault: AnsweringFault | undefined;
    for (const rule of this.rules) {
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (rule.type !== 'latency' && fault !== undefined) continue;
      if (random() >= rule.rate) continue;
      if (rule.count !== undefined) rule.count--;
      if (rule.type === 'latency') latencyMs += rule.latencyMs ?? 0;
      else fault = rule.type;
    }
    this.rules = this.rules.filter((rule) => rule.count === undefined || rule.count > 0);
    return { latencyMs, fault };
  }
}
