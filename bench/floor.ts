import { performance } from 'node:perf_hooks';
import { execute, parse, validate, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { BenchOperation } from './operations.js';
import { percentile } from './stats.js';

export interface FloorResult {
  operation: BenchOperation['name'];
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  executions: number;
}

/** Bounded so a misbehaving schema cannot keep the loop (and the memory) going. */
const MAX_EXECUTIONS = 5_000_000;

async function executeOnce(schema: GraphQLSchema, document: ReturnType<typeof parse>): Promise<ExecutionResult> {
  // The in-memory resolvers are synchronous, so this is a plain value; awaited only if not.
  const result = execute({ schema, document });
  return 'then' in result ? await result : result;
}

/** What graphql-js alone answers a document with: parsed and validated once, then executed. */
export async function expectedResult(schema: GraphQLSchema, operation: BenchOperation): Promise<ExecutionResult> {
  const document = parse(operation.query);
  const problems = validate(schema, document);
  if (problems.length > 0) throw new Error(`${operation.name}: ${problems.map((p) => p.message).join('; ')}`);
  return executeOnce(schema, document);
}

/**
 * The floor: graphql-js `execute` of the same document on the in-memory schema,
 * in this process, no HTTP, one execution after another for `seconds` after a
 * short warm-up.
 */
export async function measureFloor(schema: GraphQLSchema, operation: BenchOperation, seconds: number): Promise<FloorResult> {
  const document = parse(operation.query);
  const problems = validate(schema, document);
  if (problems.length > 0) throw new Error(`${operation.name}: ${problems.map((p) => p.message).join('; ')}`);
  const first = await executeOnce(schema, document);
  if (first.errors?.length) throw new Error(`${operation.name} on the floor: ${first.errors[0]!.message}`);

  // No await per execution unless graphql-js hands back a promise: a microtask per
  // loop would be part of the measurement.
  const run = () => {
    const result = execute({ schema, document });
    return 'then' in result ? result : undefined;
  };
  const warmUntil = performance.now() + Math.min(1000, seconds * 250);
  while (performance.now() < warmUntil) await run();

  const latencies: number[] = [];
  const start = performance.now();
  const until = start + seconds * 1000;
  let now = start;
  while (now < until && latencies.length < MAX_EXECUTIONS) {
    const before = now;
    const pending = run();
    if (pending) await pending;
    now = performance.now();
    latencies.push(now - before);
  }
  const sorted = Float64Array.from(latencies).sort();
  return {
    operation: operation.name,
    opsPerSec: latencies.length / ((now - start) / 1000),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    executions: latencies.length,
  };
}
