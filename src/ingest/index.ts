/** Feed ingestion: guarded fetching, parsing, normalisation and poll scheduling. */
export { discoverFeeds } from './discover.js';
export { FeedParseError, FetchError } from './errors.js';
export {
  type FetchInit,
  type FetchPolicy,
  type FetchResult,
  HostLimiter,
  type PollTuning,
  safeFetch,
  urlRefusal,
} from './fetch.js';
export { articleKey, canonicalUrl, unwrapFeedScheme, withoutFragment } from './normalize.js';
export { parseOpml, toOpml } from './opml.js';
export { type ParsedFeed, type ParseOptions, parseDate, parseFeed } from './parse.js';
export { closeParsePool, ParsePool, type ParsePoolOptions, sharedParsePool } from './parse-pool.js';
export {
  type FeedState,
  isDue,
  nextInterval,
  type PollContext,
  type PollFeedInput,
  type PollOutcome,
  pollFeed,
} from './poll.js';
export { htmlToText } from './text.js';
