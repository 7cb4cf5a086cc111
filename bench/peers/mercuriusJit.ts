import Fastify from 'fastify';
import mercurius from 'mercurius';
import { inMemorySchema } from '../inMemory.js';
import { announceReady, peerSetup } from './peerSetup.js';

// The "mercurius-jit" configuration: Mercurius on Fastify, no logger, `jit: 1`
// (an operation is compiled with graphql-jit after its first use), every other
// option at its default, on the same in-memory data as "reference".
//   BENCH_EMULATOR_URL=http://127.0.0.1:4566 BENCH_REGIONS=us-east-1,… PORT=0 tsx bench/peers/mercuriusJit.ts

const { snapshot, port } = await peerSetup();
const app = Fastify({ logger: false });
// The executable schema Apollo builds from the same SDL and resolvers: Mercurius's
// own `resolvers` option cannot map enum values (it would set them as properties
// of the enum type), and the in-memory resolvers map GraphQL enums to AWS strings.
await app.register(mercurius, { schema: inMemorySchema(snapshot), jit: 1 });
const address = await app.listen({ port, host: '127.0.0.1' });
announceReady('mercurius-jit', `${address}/graphql`);
