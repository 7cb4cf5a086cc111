import { isatty } from 'node:tty';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { ConfigError, loadConfig, type Config } from './config.js';
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
  logger = createLogger(config);

  const running = await start(config, logger);
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
 * terminal. Pretty-printing runs in this process, synchronously, not in a worker thread,
 * so a line is written when it is logged. JSON lines go through pino's own buffered
 * stdout writer, not synchronously: every stream.pipe() in the process makes a stdout
 * pipe non-blocking (Node compares the destination with process.stdout, creating it),
 * and a synchronous writer that then meets a full pipe sleeps 100 ms, stalling every
 * request, before it tries again.
 */
function createLogger(config: Config): Logger {
  const terminal = isatty(1);
  const format = config.logFormat ?? (terminal ? 'pretty' : 'json');
  const options = { name: 'dxgraph', level: config.logLevel };
  if (format === 'json') return pino(options);
  return pino(options, pretty({ colorize: terminal, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
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
