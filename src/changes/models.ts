import type { Connection } from '@aws-sdk/client-direct-connect';

// What the changes return on success, before GraphQL shapes it: codegen maps each
// mutation's success type to one of these (codegen.ts, `mappers`), and its
// resolver (src/resolvers/<SuccessType>.ts) fills in the fields that need a load.

export interface DisassociationSuccess {
  connection: Connection;
  region: string;
  lagId: string;
  dryRun: boolean;
  awsRequestId: string | null;
}
