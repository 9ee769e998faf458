import pino, { type Logger } from 'pino';
import { ConfigError } from './config/errors.js';
import { secretValues, withoutSecrets } from './util/redact.js';

export type { Logger };

/**
 * Structured logs go to stderr so that stdout stays free for command output and the console sink.
 * Secrets never reach a log line: the config holds none, token fields are redacted, and each line goes out
 * without the secrets of the environment and anything shaped like a token, wherever in an error they sit.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  if (!Object.hasOwn(pino.levels.values, level) && level !== 'silent') {
    throw new ConfigError(
      `LOG_LEVEL "${level}" is not a log level (use fatal, error, warn, info, debug, trace or silent)`,
    );
  }
  const secrets = secretValues();
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'],
        censor: '[secret]',
      },
      hooks: { streamWrite: (line) => withoutSecrets(line, secrets) },
    },
    // Each line is written at once. A buffered log is flushed at exit, and a reader gone by then
    // (`2>&1 | head`) made that flush retry its write for good, so the process never ended.
    pino.destination({ fd: 2, sync: true }),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
