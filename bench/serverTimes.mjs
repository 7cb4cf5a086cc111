// Preloaded (node --import) into every server the benchmark starts, gateways and
// peers alike: times each request from Node's 'request' event until the handler's
// end() has handed the response to the socket, the server's own work on it. The
// load tool's latency adds the wait before the server reads a request (queueing
// behind the other connections' requests at saturation) and the load tool's own
// stalls, which at sub-millisecond latencies decide its p99 (bench/loadToolTail.ts
// measures that part alone).
//
// GET /__bench/server-times answers the times of the requests timed since the last
// such GET (the most recent million, should there be more), float64 milliseconds in
// the machine's byte order, and starts over; the request itself is not timed. A
// request whose end() is never called (the client left) is not counted.

import http from 'node:http';
import { performance } from 'node:perf_hooks';

const PATH = '/__bench/server-times';
const STARTED = Symbol('bench: request started');
// Written through once now, so that its memory is all resident from the start and
// filling it later does not look like the server growing (the soak watches RSS).
const times = new Float64Array(1 << 20).fill(0);
let count = 0;

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, response) {
  if (event === 'request') {
    if (request.url === PATH) {
      // A copy: the ring is written again while the socket may still be sending this.
      const body = Buffer.from(times.slice(0, Math.min(count, times.length)).buffer);
      count = 0;
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
      return true;
    }
    response[STARTED] = performance.now();
  }
  return emit.apply(this, arguments);
};

const end = http.ServerResponse.prototype.end;
http.ServerResponse.prototype.end = function (...args) {
  const started = this[STARTED];
  const ended = end.apply(this, args);
  // After end(): handing the response to the socket (a write to the kernel) is the server's work too.
  if (started !== undefined) {
    this[STARTED] = undefined;
    times[count++ % times.length] = performance.now() - started;
  }
  return ended;
};
