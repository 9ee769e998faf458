/** Article pages: boilerplate removal, main-text and metadata extraction, and a cached page fetcher. */
export type { CleanOptions } from './clean.js';
export { cleanText } from './clean.js';
export type { ArticleFetcherOptions, ArticleResult, PageFetch } from './fetcher.js';
export { ArticleFetcher, needsArticleFetch } from './fetcher.js';
export type { ExtractedPage } from './page.js';
export { extractPage } from './page.js';
