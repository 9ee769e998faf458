/** A fetch that was refused (SSRF guard, scheme, limits) or failed (network, time-out, HTTP status). */
export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    message: string,
    /** HTTP status when the server answered. */
    readonly status?: number,
    /** Seconds the server asked us to wait (429/503 Retry-After). */
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

/** The body is not a feed we can read (HTML page, garbage, malformed beyond repair). */
export class FeedParseError extends Error {
  override name = 'FeedParseError';
}
