import type { Item } from '../model.js';
import type { ChannelSettings } from './channels.js';

function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Topic words match whole words, or word starts when 4+ letters long ("ukrain" finds "Ukrainian"). */
function wordMatches(topicWord: string, vocabulary: Set<string>): boolean {
  if (vocabulary.has(topicWord)) return true;
  if (topicWord.length < 4) return false;
  for (const w of vocabulary) if (w.startsWith(topicWord)) return true;
  return false;
}

/** A topic ("ukraine security") matches a story when every one of its words occurs in its titles or summaries. */
export function topicMatches(topic: string, items: Item[]): boolean {
  const wanted = words(topic);
  if (!wanted.length) return false;
  const vocabulary = new Set(items.flatMap((i) => words(`${i.title} ${i.description ?? ''}`)));
  return wanted.every((w) => wordMatches(w, vocabulary));
}

/** Whether a channel wants a story: it came through one of its feeds or matches one of its topics. */
export function channelWants(channel: ChannelSettings, items: Item[]): boolean {
  const feeds = new Set(channel.feeds.map((f) => f.url));
  if (items.some((i) => i.feedUrl && feeds.has(i.feedUrl))) return true;
  return channel.topics.some((topic) => topicMatches(topic, items));
}
