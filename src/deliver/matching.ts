import type { Item } from '../model.js';
import { words, wordsMatch } from '../util/words.js';
import type { ChannelSettings } from './channels.js';

/** A topic ("ukraine security") matches a story when every one of its words occurs in its titles or summaries. */
export function topicMatches(topic: string, items: Item[]): boolean {
  const wanted = words(topic);
  if (!wanted.length) return false;
  const vocabulary = new Set(items.flatMap((i) => words(`${i.title} ${i.description ?? ''}`)));
  return wanted.every((w) => vocabulary.has(w) || [...vocabulary].some((v) => wordsMatch(w, v)));
}

/** Whether a channel wants a story: it came through one of its feeds or matches one of its topics. */
export function channelWants(channel: ChannelSettings, items: Item[]): boolean {
  const feeds = new Set(channel.feeds.map((f) => f.url));
  if (items.some((i) => i.feedUrl && feeds.has(i.feedUrl))) return true;
  return channel.topics.some((topic) => topicMatches(topic, items));
}
