import { buildSchema, parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { describe, expect, it } from 'vitest';
import { graphqlJitMended } from '../../src/executor.js';

// scripts/patch-graphql-jit.mjs, run on install, makes graphql-jit's serial
// (mutation) execution use two functions made once per compiled operation, instead
// of two closures made per execution and stored on it, which kept every request's
// objects alive through minor GCs. These check the mend is in place and that
// mutations still run one after another, as GraphQL requires.

const schema = buildSchema(`
  type Step { name: String, startedAfter: [String] }
  type Query { ok: Boolean }
  type Mutation { first: Step, second: Step, now: Step }
`);

function compiled(document: string, resolvers: Record<string, () => unknown>) {
  const fields = schema.getMutationType()!.getFields();
  for (const [name, resolve] of Object.entries(resolvers)) fields[name]!.resolve = resolve;
  const query = compileQuery(schema, parse(document), undefined, { debug: true } as object);
  if (!isCompiledQuery(query)) throw new Error(JSON.stringify(query.errors));
  return query as typeof query & { __DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation: string };
}

describe('graphql-jit, as mended on install', () => {
  it('makes no closure per mutation execution', () => {
    const source = compiled('mutation { now { name } }', { now: () => ({ name: 'now' }) }).__DO_NOT_USE_THIS_OR_YOU_WILL_BE_FIRED_compilation;
    expect(source).not.toMatch(/\.finalResolve = \(\) =>/);
    expect(source).not.toMatch(/\.resolve = \(context\) =>/);
    expect(source).toContain('__dxgraphResolveNext');
    // What the gateway checks at start-up, to warn when the mend was skipped.
    expect(graphqlJitMended(schema)).toBe(true);
  });

  it('still runs mutation fields one after another', async () => {
    const finished: string[] = [];
    const step = (name: string) => async () => {
      const startedAfter = [...finished];
      await new Promise((resolve) => setTimeout(resolve, name === 'first' ? 30 : 1));
      finished.push(name);
      return { name, startedAfter };
    };
    const query = compiled('mutation { first { name startedAfter } second { name startedAfter } }', { first: step('first'), second: step('second') });
    const result = await query.query(undefined, {}, {});
    expect(result).toEqual({
      data: { first: { name: 'first', startedAfter: [] }, second: { name: 'second', startedAfter: ['first'] } },
    });
    expect(finished).toEqual(['first', 'second']);
  });

  it('still answers a mutation whose resolver returns at once without a promise', () => {
    const query = compiled('mutation { now { name } }', { now: () => ({ name: 'now' }) });
    expect(query.query(undefined, {}, {})).toEqual({ data: { now: { name: 'now' } } });
  });
});
