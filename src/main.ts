import { isatty } from 'node:tty';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { ConfigError, loadConfig, type Config } from './config.js';
import { LogDestination } from './logDestination.js';
import { start } from './start.js';

let logger = pino({ name: 'dxgraph' });

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const destination = new LogDestination();
  logger = createLogger(config, destination);

  // The audit trail watches the log's writes: with the log as its sink, a record that
  // could not be written refuses the change (AuditUnavailable) instead of vanishing.
  const running = await start(config, logger, { logWrites: destination });
  // Ready is announced only once SIGTERM drains: a supervisor may send it the moment it
  // reads the line, and a signal with no handler yet would end the process on the spot.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining in-flight requests, then stopping');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  logger.info(
    { url: running.url, backend: config.backend, regions: running.regions, emulator: running.emulatorUrl },
    `dxgraph ready at ${running.url}${config.introspection ? ' (open it in a browser for Apollo Sandbox)' : ''}`,
  );
  if (running.emulatorUrl) {
    logger.info(
      `embedded emulator at ${running.emulatorUrl}; try: aws directconnect describe-lags --endpoint-url ${running.emulatorUrl} --region ${config.defaultRegion}`,
    );
  }
}

/**
 * JSON lines for machines (what log shippers read), or coloured lines for a person at a
 * terminal. Both end in `destination` (src/logDestination.ts), which writes each line to
 * stdout synchronously and counts what it could not write, rather than pino's default
 * writer, which drops every line after an EPIPE without a word. Pretty-printing runs in
 * this process, synchronously, not in a worker thread, so a line is written (or counted
 * as not written) by the time the log call returns. A full stdout pipe (every
 * stream.pipe() in the process makes it non-blocking) is waited for in short sleeps, up
 * to 10 s, before the line counts as not written.
 */
function createLogger(config: Config, destination: LogDestination): Logger {
  const terminal = isatty(1);
  const format = config.logFormat ?? (terminal ? 'pretty' : 'json');
  const options = { name: 'dxgraph', level: config.logLevel };
  if (format === 'json') return pino(options, destination);
  // With a destination of ours, pino-pretty builds no writer of its own (its `sync` option is that writer's).
  return pino(options, pretty({ colorize: terminal, destination, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    // Start-up problems (an unreadable key file, say) are the operator's to fix: say what, without a stack.
    logger.fatal({ error: error instanceof Error ? error.message : String(error) }, 'dxgraph failed to start');
  }
  process.exit(1);
});
