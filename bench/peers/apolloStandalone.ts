import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadTypeDefs } from '../../src/schema.js';
import { inMemoryResolvers } from '../inMemory.js';
import { announceReady, peerSetup } from './peerSetup.js';

// The "apollo-standalone" configuration: Apollo Server 5's own HTTP server
// (startStandaloneServer: node:http, no Express), every option at its default,
// on the same in-memory data as "reference". It answers on every path.
//   BENCH_EMULATOR_URL=http://127.0.0.1:4566 BENCH_REGIONS=us-east-1,… PORT=0 tsx bench/peers/apolloStandalone.ts

const { snapshot, port } = await peerSetup();
const server = new ApolloServer({ typeDefs: loadTypeDefs(), resolvers: inMemoryResolvers(snapshot) });
const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
announceReady('apollo-standalone', `${url}graphql`);
