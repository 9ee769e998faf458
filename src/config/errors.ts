/** A setting the user can fix: the CLI prints its message as one line, without a stack trace. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
