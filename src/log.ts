import pino, { type Logger } from 'pino';
import { ConfigError } from './config/errors.js';

export type { Logger };

/**
 * Structured logs go to stderr so that stdout stays free for command output and the console sink.
 * Secrets never reach a log line: the config holds none, and tokens are redacted if ever passed in.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  if (!(level in pino.levels.values) && level !== 'silent') {
    throw new ConfigError(
      `LOG_LEVEL "${level}" is not a log level (use fatal, error, warn, info, debug, trace or silent)`,
    );
  }
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'],
        censor: '[secret]',
      },
    },
    pino.destination(2),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
