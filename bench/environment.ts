// Imported first by run.ts, before anything that loads graphql-js or the AWS SDK.
// graphql-js chooses its fast path (no cross-realm instanceof checks) from NODE_ENV
// when it is first imported, so the floor runs the way the shipped gateway does
// (NODE_ENV=production). Child processes get their own environments; the
// reference server runs with NODE_ENV unset.
process.env.NODE_ENV ??= 'production';
// The SDK's notice that it will need Node 22 from 2027 says nothing about this run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export {};
