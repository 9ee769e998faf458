import { describe, expect, it } from 'vitest';
import type { ChannelSettings } from '../../src/deliver/channels.js';
import { channelWants, topicMatches } from '../../src/deliver/matching.js';
import type { Item } from '../../src/model.js';

const item = (title: string, feedUrl?: string): Item => ({
  id: title,
  title,
  source: 'x',
  publishedAt: '2025-01-01T00:00:00Z',
  feedUrl,
});

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

  it('wants stories from subscribed feeds or matching topics only', () => {
    const items = [item('Central bank raises rates', 'https://a.example/rss')];
    expect(channelWants(channel({ feeds: [{ url: 'https://a.example/rss' }] }), items)).toBe(true);
    expect(channelWants(channel({ feeds: [{ url: 'https://b.example/rss' }] }), items)).toBe(false);
    expect(channelWants(channel({ topics: ['bank rates'] }), items)).toBe(true);
    expect(channelWants(channel({}), items)).toBe(false);
  });
});
