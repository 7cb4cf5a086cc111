import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import madge from 'madge';
import { beforeAll, describe, expect, it } from 'vitest';

// The layers point one way (README, "Architecture"): HTTP → GraphQL → the rules of
// each change → loaders and cache → the AWS layer. A cycle, or the AWS layer
// reaching up into GraphQL, fails here rather than in a reviewer's head.

const SRC = new URL('../../src/', import.meta.url).pathname;

let graph: Record<string, string[]>;
let cycles: string[][];
beforeAll(async () => {
  const result = await madge(SRC, { fileExtensions: ['ts'], tsConfig: new URL('../../tsconfig.json', import.meta.url).pathname });
  graph = result.obj();
  cycles = result.circular();
}, 60_000);

/** Every import specifier of a source file, type-only imports included. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((match) => match[1]!);
}

describe('src/ imports', () => {
  it('sees the whole tree (so the checks below are real)', () => {
    expect(Object.keys(graph)).toContain('aws/directConnect.ts');
    expect(graph['resolvers/Mutation.ts']).toContain('changes/disassociateConnectionFromLag.ts');
  });

  it('have no cycle, type-only imports included', () => {
    expect(cycles).toEqual([]);
  });

  describe('the AWS layer (src/aws/)', () => {
    const files = readdirSync(join(SRC, 'aws')).map((name) => `aws/${name}`);

    it.each(files)('%s imports nothing from GraphQL, the context, resolvers, generated code or the layers above', (file) => {
      const forbidden = specifiers(file).filter((specifier) =>
        /^(graphql|@apollo\/|@graphql-tools\/)|\/(context|__generated__|resolvers|changes|loaders|errors|auth|http)(\/|\.js$)/.test(specifier),
      );
      expect(forbidden).toEqual([]);
      // madge's resolved view agrees: only the AWS layer itself, the cache contract, metrics and spans.
      const local = graph[file] ?? [];
      expect(local.filter((dep) => !/^(aws\/|cache\/readCache\.ts$|metrics\.ts$|telemetry\.ts$)/.test(dep))).toEqual([]);
    });
  });

  it('keep the rules of each change free of the request context', () => {
    for (const name of readdirSync(join(SRC, 'changes'))) {
      expect(graph[`changes/${name}`] ?? [], name).not.toContain('context.ts');
    }
  });
});
