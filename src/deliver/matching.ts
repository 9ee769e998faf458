import type { Item } from '../model.js';
import { words } from '../util/words.js';
import type { ChannelSettings } from './channels.js';

/** A plural or third-person "-s" taken off: "taxes" → "tax", "cities" → "city", "wars" → "war". */
function singular(w: string): string {
  if (/\d/.test(w)) return w;
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(?:ss|x|z|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}

/** Endings that make a people or a language of a place: "ukrain|ian", "russia|n", "chin|ese", "iraq|i". */
const PEOPLE_ENDING = /^(?:n|ns|an|ans|ian|ians|i|is|ese|ish)$/;

/**
 * Whether a topic word names a word of a story: the same word, its singular or plural, or a place and its
 * people ("ukraine" ~ "ukrainian", "china" ~ "chinese", and "ukrain" as typed). Not any word that merely starts
 * the same way: "mark" is not "market", nor "apple" "applies". One-letter words and numbers match only
 * themselves ("formula 1", "plan b").
 */
export function topicWordMatches(wanted: string, word: string): boolean {
  if (wanted === word) return true;
  if (wanted.length < 2 || word.length < 2) return false;
  if (singular(wanted) === singular(word)) return true;
  const [short, long] = wanted.length <= word.length ? [wanted, word] : [word, wanted];
  if (short.length < 4) return false;
  let common = 0;
  while (common < short.length && short[common] === long[common]) common++;
  return common >= 4 && common >= short.length - 1 && PEOPLE_ENDING.test(long.slice(common));
}

/**
 * A topic ("ukraine security") matches a story when every one of its words occurs in its titles or summaries
 * (see `topicWordMatches`).
 */
export function topicMatches(topic: string, items: Item[]): boolean {
  const wanted = words(topic, 1);
  if (!wanted.length) return false;
  const vocabulary = new Set(items.flatMap((i) => words(`${i.title} ${i.description ?? ''}`, 1)));
  return wanted.every((w) => vocabulary.has(w) || [...vocabulary].some((v) => topicWordMatches(w, v)));
}

/** Whether a channel wants a story: it came through one of its feeds or matches one of its topics. */
export function channelWants(channel: ChannelSettings, items: Item[]): boolean {
  const feeds = new Set(channel.feeds.map((f) => f.url));
  if (items.some((i) => i.feedUrl && feeds.has(i.feedUrl))) return true;
  return channel.topics.some((topic) => topicMatches(topic, items));
}
