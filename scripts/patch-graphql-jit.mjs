// Run by `npm install`/`npm ci` (package.json, "postinstall"): mends one spot in
// graphql-jit 0.8.9, which the gateway runs every operation with.
//
// For a mutation, graphql-jit's compiled code makes two closures per execution and
// stores them on that execution's context (`finalResolve`, `resolve`). V8 then keeps
// every execution's objects, and with them the whole request, alive through minor
// GCs until a major one: measured on the dry run, 1.4 MB promoted per scavenge and
// 3 ms pauses, against 0.25 MB and 1 ms once the two functions are made once per
// compiled operation instead. They use nothing but their argument, so hoisting them
// changes nothing else. test/unit/graphqlJitMend.test.ts checks the mend is in
// place, and the gateway warns at start-up when it is not (`npm ci --ignore-scripts`).
//
// The replacement is exact: if graphql-jit changes (another version), the script says
// so and fails, rather than leave the gateway running unmended unnoticed.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const MARK = '/* dxgraph: serial resolution made once per operation */';

const CLOSURES = `    \${GLOBAL_EXECUTION_CONTEXT}.finalResolve = () => {};
    \${GLOBAL_RESOLVE} = (context) => {
      if (context.jobCounter >= context.queue.length) {
        // All mutations have finished
        context.finalResolve(context);
        return;
      }
      context.queue[context.jobCounter++](context);
    };`;

const REFERENCES = `    \${GLOBAL_EXECUTION_CONTEXT}.finalResolve = __dxgraphNoFinalResolve;
    \${GLOBAL_RESOLVE} = __dxgraphResolveNext;`;

const HOISTING = `  body += context.hoistedFunctions.join("\\n");
  return body;
}
function compileDeferredFields(`;

const HOISTED = `  if (serialExecution) {
    body += \`
  ${MARK}
  function __dxgraphNoFinalResolve() {}
  function __dxgraphResolveNext(context) {
    if (context.jobCounter >= context.queue.length) {
      // All mutations have finished
      context.finalResolve(context);
      return;
    }
    context.queue[context.jobCounter++](context);
  }\`;
  }
${HOISTING}`;

const require = createRequire(import.meta.url);
let entry;
try {
  entry = require.resolve('graphql-jit');
} catch {
  // Installed without graphql-jit (it is a dependency, so only a partial install): nothing to mend.
  process.exit(0);
}
// Both the CommonJS and the ESM entry load this file (dist/index.mjs imports ./execution.js).
const file = join(dirname(entry), 'execution.js');
const source = readFileSync(file, 'utf8');
if (source.includes(MARK)) process.exit(0);

const once = (text) => source.split(text).length === 2;
if (!once(CLOSURES) || !once(HOISTING)) {
  const { version } = require('graphql-jit/package.json');
  console.error(
    `scripts/patch-graphql-jit.mjs: graphql-jit ${version} is not the code this mend was written for (0.8.9). ` +
      'Check whether it still makes a closure per mutation execution, then update or remove the mend.',
  );
  process.exit(1);
}
writeFileSync(file, source.replace(CLOSURES, REFERENCES).replace(HOISTING, HOISTED));
