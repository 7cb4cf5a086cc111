// A server that does nothing: Node's http module answering every request with the
// same small JSON body, once the body is read. What the load tool measures of it is
// the tail that the tool, the kernel and Node's own HTTP layer add to any server on
// this machine (bench/loadToolTail.ts).

import http from 'node:http';

const BODY = '{"data":{"__typename":"Query"}}';
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length }).end(BODY));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`bare-http ready at http://127.0.0.1:${server.address().port}/graphql`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
