import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { loadTypeDefs } from '../../src/schema.js';
import { inMemoryResolvers } from '../inMemory.js';
import { announceReady, peerSetup } from './peerSetup.js';

// The "reference" configuration: Apollo Server 5 on Express 5 exactly as its
// documentation sets it up, every option left at its default, answering the
// gateway's schema from a snapshot of the emulator taken once at start.
// Run by bench/run.ts as its own process:
//   BENCH_EMULATOR_URL=http://127.0.0.1:4566 BENCH_REGIONS=us-east-1,… PORT=0 tsx bench/peers/reference.ts

const { snapshot, port } = await peerSetup();
const app = express();
const httpServer = http.createServer(app);
const server = new ApolloServer({ typeDefs: loadTypeDefs(), resolvers: inMemoryResolvers(snapshot) });
await server.start();
app.use('/graphql', express.json(), expressMiddleware(server));

httpServer.listen(port, '127.0.0.1', () => {
  const { port: bound } = httpServer.address() as AddressInfo;
  announceReady('reference', `http://127.0.0.1:${bound}/graphql`);
});
