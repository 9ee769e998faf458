import { describe, expect, it } from 'vitest';
import type { ChannelSettings } from '../../src/deliver/channels.js';
import { channelWants, newsSince, topicMatches } from '../../src/deliver/matching.js';
import type { Item } from '../../src/model.js';

const item = (title: string, feedUrl?: string): Item => ({
  id: title,
  title,
  source: 'x',
  publishedAt: '2025-01-01T00:00:00Z',
  feedUrl,
});

/** Whether a topic matches a story of one item with this headline (and summary). */
const matches = (topic: string, title: string, description?: string) =>
  topicMatches(topic, [{ ...item(title), description }]);

const channel = (over: Partial<ChannelSettings>): ChannelSettings => ({
  key: 'discord:g:c',
  platform: 'discord',
  workspaceId: 'g',
  channelId: 'c',
  kind: 'text',
  feeds: [],
  topics: [],
  mode: 'realtime',
  digestTime: '08:00',
  timezone: 'UTC',
  minSources: 2,
  ...over,
});

describe('channel matching', () => {
  it('matches a topic when every word occurs, with word starts for longer words', () => {
    const items = [item('Ukrainian forces hold the line as talks resume')];
    expect(topicMatches('ukraine', items)).toBe(true);
    expect(topicMatches('uk', items)).toBe(false);
    expect(topicMatches('ukrain', items)).toBe(true);
    expect(topicMatches('Ukrainian talks', items)).toBe(true);
    expect(topicMatches('ukrainian weather', items)).toBe(false);
    expect(topicMatches('  ', items)).toBe(false);
  });

  it('matches plurals and a place’s people, not words that merely start alike', () => {
    expect(matches('tax', 'New taxes on imports announced')).toBe(true);
    expect(matches('war', 'Trade wars escalate')).toBe(true);
    expect(matches('city', 'Cities brace for heatwave')).toBe(true);
    expect(matches('banks', 'Central bank raises rates')).toBe(true);
    expect(matches('china', 'Chinese exports fall')).toBe(true);
    expect(matches('iraq', 'Iraqi forces retake town')).toBe(true);
    expect(matches('mark', 'Stock market falls')).toBe(false);
    expect(matches('apple', 'Court applies new rules to landlords')).toBe(false);
    expect(matches('meta', 'Metal prices surge')).toBe(false);
  });

  it('keeps one-letter words and numbers of a topic, matched exactly, and reads U.S. as one word', () => {
    expect(matches('formula 1', 'Formula 1 season opens in Bahrain')).toBe(true);
    expect(matches('formula 1', 'Baby formula shortage worsens')).toBe(false);
    expect(matches('world war 2', 'World War 1 memorial unveiled')).toBe(false);
    expect(matches('plan b', 'Probe reaches a distant planet')).toBe(false);
    expect(matches('u.s. election', 'U.S. election: early votes counted')).toBe(true);
    expect(matches('us election', 'U.S. election: early votes counted')).toBe(true);
    expect(matches('u.s. election', 'France holds snap election')).toBe(false);
  });

  it('needs the words of a topic to meet in one item, not across a story', () => {
    const story = [item('North Carolina braces for storm'), item('South Korea holds snap election')];
    expect(topicMatches('north korea', story)).toBe(false);
    expect(topicMatches('korea', story)).toBe(true);
    expect(topicMatches('north korea', [...story, item('North Korea fires missile')])).toBe(true);
    // The summary counts with the headline of its own item.
    const summarised: Item = { ...item('Missile test condemned'), description: 'North Korea fired again.' };
    expect(topicMatches('north korea missile', [summarised])).toBe(true);
    expect(channelWants(channel({ topics: ['north korea'] }), story)).toBe(false);
    expect(channelWants(channel({ topics: ['storm', 'north korea'] }), story)).toBe(true);
  });

  it('matches a quoted phrase word after word, within a headline or a summary', () => {
    expect(matches('"new york"', 'York council approves new budget')).toBe(false);
    expect(matches('"new york"', 'New York mayor resigns')).toBe(true);
    expect(matches('\u201cnew york\u201d', 'New-York mayor resigns')).toBe(true);
    expect(matches('"new york" budget', 'New York mayor presents budget')).toBe(true);
    expect(matches('"new york" budget', 'New York mayor resigns')).toBe(false);
    // The words of a phrase keep their rules: plurals, and a place's people.
    expect(matches('"interest rate"', 'Interest rates rise again')).toBe(true);
    expect(matches('"russia sanctions"', 'New Russian sanctions announced')).toBe(true);
    // A phrase does not run from the headline into the summary.
    expect(matches('"new york"', 'Fans welcome the new', 'York team wins the cup')).toBe(false);
    // An unclosed quote runs to the end.
    expect(matches('"new york', 'York council approves new budget')).toBe(false);
    expect(matches('""', 'Anything at all')).toBe(false);
  });

  it('holds a place name together without quotes, and the words around "of"', () => {
    expect(matches('new york', 'York council approves new budget')).toBe(false);
    expect(matches('new york', 'New York mayor resigns')).toBe(true);
    expect(matches('new york mayor', 'Mayor of New York resigns')).toBe(true);
    expect(matches('north korea', 'South Korea holds election as storms hit the north')).toBe(false);
    expect(matches('north korea missile', 'Missile launched by North Korea')).toBe(true);
    expect(matches('west bank', 'Central bank holds rates as West braces for slowdown')).toBe(false);
    expect(matches('west bank', 'Settler violence rises in the West Bank')).toBe(true);
    expect(matches('bank of england', 'England fans queue at the bank')).toBe(false);
    expect(matches('bank of england', 'Bank of England holds rates')).toBe(true);
    expect(matches('cost of living', 'Living costs: the cost of heating soars')).toBe(false);
    expect(matches('cost of living', 'Cost of living crisis deepens')).toBe(true);
    // Other words still match anywhere in the item, in any order, and such a word alone is a word like any.
    expect(matches('ukraine security', 'Security guarantees for Ukraine discussed')).toBe(true);
    expect(matches('new', 'York council approves new budget')).toBe(true);
  });

  it('wants stories from subscribed feeds or matching topics only', () => {
    const items = [item('Central bank raises rates', 'https://a.example/rss')];
    expect(channelWants(channel({ feeds: [{ url: 'https://a.example/rss' }] }), items)).toBe(true);
    expect(channelWants(channel({ feeds: [{ url: 'https://b.example/rss' }] }), items)).toBe(false);
    expect(channelWants(channel({ topics: ['bank rates'] }), items)).toBe(true);
    expect(channelWants(channel({}), items)).toBe(false);
  });

  it('dates news in a channel from when it followed what brings it the story, an hour early for feeds running late', () => {
    const hour = 3_600_000;
    const at = (iso: string) => Date.parse(iso);
    const items = [
      item('Bank raises rates', 'https://a.example/rss'),
      item('Rates rise again', 'https://b.example/rss'),
    ];
    const a = { url: 'https://a.example/rss', since: '2026-03-10T12:00:00Z' };
    const b = { url: 'https://b.example/rss', since: '2026-03-09T12:00:00Z' };
    expect(newsSince(channel({ feeds: [a] }), items)).toBe(at('2026-03-10T11:00:00Z'));
    // The earliest follow that brings the story counts; a feed the story did not come through does not.
    expect(newsSince(channel({ feeds: [a, b] }), items)).toBe(at('2026-03-09T12:00:00Z') - hour);
    const c = { url: 'https://c.example/rss', since: '2026-01-01T00:00:00Z' };
    expect(newsSince(channel({ feeds: [a, c] }), items)).toBe(at('2026-03-10T11:00:00Z'));
    // A topic the story matches counts as a follow; one it does not match, however old, does not.
    const topics = (since: string) => ({
      topics: ['bank rates', 'volcano'],
      topicSince: { 'bank rates': since, volcano: '2020-01-01T00:00:00Z' },
    });
    expect(newsSince(channel({ feeds: [a], ...topics('2026-03-08T00:00:00Z') }), items)).toBe(
      at('2026-03-08T00:00:00Z') - hour,
    );
    expect(newsSince(channel({ feeds: [a], ...topics('2026-03-11T00:00:00Z') }), items)).toBe(
      at('2026-03-10T11:00:00Z'),
    );
    // A follow saved without a time (before follow times were kept) sets no limit.
    expect(newsSince(channel({ feeds: [a, { url: 'https://b.example/rss' }] }), items)).toBeUndefined();
    expect(newsSince(channel({ feeds: [a], topics: ['bank rates'] }), items)).toBeUndefined();
    expect(newsSince(channel({ topics: ['volcano'] }), items)).toBeUndefined();
  });
});
