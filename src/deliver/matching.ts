import type { Item } from '../model.js';
import { words } from '../util/words.js';
import type { ChannelSettings } from './channels.js';

/**
 * Whether a story has a report published at `fromMs` or later: what is older is its back catalogue, not news.
 * A report without a usable date counts as recent (the poller dates it when it was polled), unless its age is
 * unknown (listed undated at its feed's first poll).
 */
export function reportedSince(
  items: readonly Pick<Item, 'publishedAt' | 'ageUnknown'>[],
  fromMs: number,
): boolean {
  return items.some((i) => {
    if (i.ageUnknown) return false;
    const at = Date.parse(i.publishedAt);
    return !Number.isFinite(at) || at >= fromMs;
  });
}

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

/** Curly quotes and guillemets as straight double quotes, which mark a topic's phrases. */
export function straightQuotes(text: string): string {
  return text.replace(/[\u201c\u201d\u201e\u201f\u00ab\u00bb]/g, '"');
}

/**
 * Words that, outside quotes, hold on to the next word of a topic: before another word they nearly always
 * begin a place's name ("new york", "north korea", "west bank", "united nations"), whose words must stand
 * together. Alone, each word would match far too much: "York council approves new budget".
 */
const OPENS_NAME = new Set(['new', 'north', 'south', 'east', 'west', 'united']);

/** Joins the words on either side of it: "bank of england", "cost of living". */
const JOINS_WORDS = new Set(['of']);

/** Unquoted words as parts: one part per word, except runs held together by `OPENS_NAME` and `JOINS_WORDS`. */
function unquotedParts(pieceWords: string[]): string[][] {
  const parts: string[][] = [];
  let run: string[] = [];
  pieceWords.forEach((w, i) => {
    const previous = pieceWords[i - 1];
    const held = previous !== undefined && (OPENS_NAME.has(previous) || JOINS_WORDS.has(previous));
    if (run.length && !held && !JOINS_WORDS.has(w)) {
      parts.push(run);
      run = [];
    }
    run.push(w);
  });
  if (run.length) parts.push(run);
  return parts;
}

/**
 * A topic's parts, each a run of words that must occur one after another: a single word, a phrase written in
 * quotes (`"new york" mayor` is the phrase "new york" and the word "mayor"), or words held together without
 * quotes (`new york mayor` reads the same). An unclosed quote runs to the end.
 */
export function topicParts(topic: string): string[][] {
  const parts: string[][] = [];
  straightQuotes(topic)
    .split('"')
    .forEach((piece, k) => {
      const pieceWords = words(piece, 1);
      if (k % 2 === 1) {
        if (pieceWords.length) parts.push(pieceWords);
      } else parts.push(...unquotedParts(pieceWords));
    });
  return parts;
}

/** The words of a story's items, each item's headline and summary apart (a phrase does not run across them). */
interface StoryWords {
  items: string[][][];
  vocabulary: Set<string>;
}

/**
 * Story words by the array of items they were read from: a delivery pass asks every channel (whether it wants
 * the story, then from when it is news there) about the same story's array, which is read once.
 */
const wordsRead = new WeakMap<readonly Item[], StoryWords>();

function storyWords(items: Item[]): StoryWords {
  let story = wordsRead.get(items);
  if (!story) {
    const fields = items.map((i) => [words(i.title, 1), words(i.description ?? '', 1)]);
    story = { items: fields, vocabulary: new Set(fields.flat(2)) };
    wordsRead.set(items, story);
  }
  return story;
}

/** Whether a run of word sets occurs in `text`, one word from each set, word after word. */
function runOccurs(run: Set<string>[], text: string[]): boolean {
  for (let i = 0; i + run.length <= text.length; i++) {
    let k = 0;
    while (k < run.length && run[k]!.has(text[i + k]!)) k++;
    if (k === run.length) return true;
  }
  return false;
}

function matchesStory(parts: string[][], story: StoryWords): boolean {
  if (!parts.length) return false;
  // The story's words that each topic word stands for, found once per story rather than once per item.
  const runs = parts.map((part) =>
    part.map((wanted) => {
      const matched = new Set<string>();
      for (const word of story.vocabulary) if (topicWordMatches(wanted, word)) matched.add(word);
      return matched;
    }),
  );
  if (runs.some((run) => run.some((matched) => matched.size === 0))) return false;
  return story.items.some((fields) => runs.every((run) => fields.some((text) => runOccurs(run, text))));
}

/**
 * A topic ("ukraine security") matches a story when one of its items has every word of the topic in its
 * headline or summary (see `topicWordMatches`), and each quoted phrase word after word. The words must meet in
 * one item: a big story has "north" in one report and "korea" in another without being about North Korea.
 */
export function topicMatches(topic: string, items: Item[]): boolean {
  return matchesStory(topicParts(topic), storyWords(items));
}

/** Whether a channel wants a story: it came through one of its feeds or matches one of its topics. */
export function channelWants(channel: ChannelSettings, items: Item[]): boolean {
  const feeds = new Set(channel.feeds.map((f) => f.url));
  if (items.some((i) => i.feedUrl && feeds.has(i.feedUrl))) return true;
  if (!channel.topics.length) return false;
  const story = storyWords(items);
  return channel.topics.some((topic) => matchesStory(topicParts(topic), story));
}

/**
 * Reports published up to this long before a channel followed a feed or topic still make a story news there: a
 * feed lists a report some minutes after it is published, and the poll that reads it comes later still.
 */
const FOLLOW_GRACE_MS = 3_600_000;

/** Epoch ms of an ISO time recorded with a follow; NaN when absent (records older than follow times). */
function followedAt(since: string | undefined): number {
  return since === undefined ? Number.NaN : Date.parse(since);
}

/**
 * From when a report makes a story news to a channel that has not had it (epoch ms): when the channel began
 * following the first of the feeds and topics that bring it the story, less `FOLLOW_GRACE_MS`. What a feed listed
 * before the channel followed it is its back catalogue. Undefined when no limit applies: the story reaches the
 * channel through a follow recorded without a time, or not at all.
 */
export function newsSince(channel: ChannelSettings, items: Item[]): number | undefined {
  let earliest = Number.POSITIVE_INFINITY;
  const feeds = new Map(channel.feeds.map((f) => [f.url, f]));
  for (const item of items) {
    const feed = item.feedUrl === undefined ? undefined : feeds.get(item.feedUrl);
    if (!feed) continue;
    const at = followedAt(feed.since);
    if (Number.isNaN(at)) return undefined;
    earliest = Math.min(earliest, at);
  }
  let story: StoryWords | undefined;
  for (const topic of channel.topics) {
    const at = followedAt(channel.topicSince?.[topic]);
    // A topic followed later than what already brings the story changes nothing; no need to match it.
    if (at >= earliest) continue;
    story ??= storyWords(items);
    if (!matchesStory(topicParts(topic), story)) continue;
    if (Number.isNaN(at)) return undefined;
    earliest = at;
  }
  return earliest === Number.POSITIVE_INFINITY ? undefined : earliest - FOLLOW_GRACE_MS;
}
