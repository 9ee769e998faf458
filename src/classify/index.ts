/**
 * Fact/opinion separation: item kind (feed, URL, categories, page type), section kind (headed opinion and
 * advocacy sections) and sentence labels with attribution for reported statements.
 */
export type { AnalysedArticle, AnalysedSection, AnalysedSentence, ArticleInput } from './article.js';
export { analyseArticle } from './article.js';
export type { AttributionMatch } from './attribution.js';
export { extractAttribution, isEpithet } from './attribution.js';
export type { ItemKindInput } from './kind.js';
export { classifyItemKind, headingKind } from './kind.js';
export type { SentenceLabel, SentenceResult } from './sentence.js';
export { classifySentence, scoreSentence } from './sentence.js';
export { splitSentences } from './sentences.js';
