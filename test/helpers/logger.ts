import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A real pino logger that keeps its JSON lines in memory, for tests that read the log. */
export function capturedLogger(level = 'debug'): { logger: Logger; lines: Array<Record<string, any>>; text: () => string } {
  const raw: string[] = [];
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level }, sink), lines, text: () => raw.join('') };
}
