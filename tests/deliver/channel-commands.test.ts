import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { ChannelCommands, type CommandContext } from '../../src/deliver/channel-commands.js';
import { type ChannelSettings, ChannelStore, DEFAULT_CHANNEL } from '../../src/deliver/channels.js';
import { silentLogger } from '../../src/log.js';
import { StoryEngine } from '../../src/pipeline/engine.js';
import { feedDestinations, pollFeeds } from '../../src/pipeline/poller.js';
import { openStore, type Store } from '../../src/store/index.js';
import { FeedServer, renderRss } from '../helpers/feed-server.js';

const ctx: CommandContext = { platform: 'discord', workspaceId: 'g1', channelId: 'c1' };

async function freshEngine(): Promise<StoryEngine> {
  const engine = new StoryEngine({ store: openStore('memory://'), sinks: () => [], logger: silentLogger });
  await engine.init();
  return engine;
}

const item = (id: string, title: string, source: string, publishedAt: string) => ({
  id,
  title,
  source,
  publishedAt,
});

describe('channel commands', () => {
  const server = new FeedServer();
  let commands: ChannelCommands;
  let channels: ChannelStore;
  let guarded: ChannelCommands;
  let store: Store;
  let engine: StoryEngine;
  let fetch: Config['fetch'];

  beforeAll(async () => {
    await server.start();
    server.setFeed(
      '/rss.xml',
      renderRss('Example Wire', 'https://wire.example/', [
        {
          guid: '1',
          title: 'Volcano erupts in Iceland',
          link: 'https://wire.example/volcano',
          body: 'Flights were grounded.',
          pubDate: new Date('2026-01-01T10:00:00Z'),
        },
      ]),
    );
    server.setFeed(
      '/page.html',
      `<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>hi</body></html>`,
    );
    server.setFeed('/garbage', 'this is neither html nor a feed');
    store = openStore('memory://');
    channels = new ChannelStore(store);
    engine = new StoryEngine({ store, sinks: () => [], logger: silentLogger });
    await engine.init();
    await engine.ingest([
      {
        id: 'a',
        title: 'Trump hints at big progress on Russia',
        description: 'Envoy outlines Ukraine security offer',
        source: 'Wire',
        publishedAt: '2026-01-01T10:00:00Z',
      },
    ]);
    fetch = parseConfig({ fetch: { allowPrivate: ['127.0.0.1'], timeoutMs: 2000 } }).fetch;
    commands = new ChannelCommands(channels, engine, fetch);
    guarded = new ChannelCommands(channels, engine, parseConfig({}).fetch);
  });

  afterAll(() => server.stop());

  it('subscribes to a feed after fetching it once, and only once', async () => {
    const reply = await commands.subscribeFeed(ctx, server.url('/rss.xml'));
    expect(reply).toEqual({ ok: true, text: expect.stringContaining('Subscribed to Example Wire') });
    expect((await commands.subscribeFeed(ctx, server.url('/rss.xml'))).ok).toBe(true);
    // A fragment names no other feed.
    expect(await commands.subscribeFeed(ctx, `${server.url('/rss.xml')}#top`)).toMatchObject({
      ok: true,
      text: expect.stringContaining('already follows'),
    });
    expect((await channels.get('discord:g1:c1'))?.feeds).toEqual([
      { url: server.url('/rss.xml'), title: 'Example Wire', since: expect.any(String) },
    ]);
  });

  it('follows a web page to the feed it advertises', async () => {
    const other = { ...ctx, channelId: 'c2' };
    expect(await commands.subscribeFeed(other, server.url('/page.html'))).toMatchObject({ ok: true });
    expect((await channels.get('discord:g1:c2'))?.feeds[0]?.url).toBe(server.url('/rss.xml'));
  });

  it('reads a feed: address (as browsers and old feed readers write them) as the web address it wraps', async () => {
    const other = { ...ctx, channelId: 'c-feed-scheme' };
    const http = server.url('/rss.xml');
    expect(await commands.subscribeFeed(other, http.replace(/^http:/, 'feed:'))).toMatchObject({ ok: true });
    expect(await commands.subscribeFeed(other, `feed:${http}`)).toMatchObject({
      ok: true,
      text: expect.stringContaining('already follows'),
    });
    expect((await channels.get('discord:g1:c-feed-scheme'))?.feeds.map((f) => f.url)).toEqual([http]);
  });

  it('refuses bad feeds with a clear reason', async () => {
    const other = { ...ctx, channelId: 'c3' };
    expect(await commands.subscribeFeed(other, 'not a url')).toEqual({
      ok: false,
      error: '"not a url" is not a URL',
    });
    expect(await commands.subscribeFeed(other, 'ftp://x.example/feed')).toMatchObject({
      error: /only http and https/,
    });
    expect(await commands.subscribeFeed(other, server.url('/missing'))).toMatchObject({ error: /HTTP 404/ });
    expect(await commands.subscribeFeed(other, server.url('/garbage'))).toMatchObject({
      error: /is not a feed/,
    });
    // Without the allow-list, a loopback address is refused before any request is made.
    const before = server.requests.length;
    expect(await guarded.subscribeFeed(other, server.url('/rss.xml'))).toMatchObject({
      ok: false,
      error: /cannot fetch/,
    });
    expect(server.requests.length).toBe(before);
    expect((await channels.get('discord:g1:c3'))?.feeds ?? []).toEqual([]);
  });

  it('manages topics and unsubscribes by URL, title or topic', async () => {
    const c = { ...ctx, channelId: 'c4' };
    expect((await commands.subscribeTopic(c, '  Ukraine   Security ')).ok).toBe(true);
    expect((await commands.subscribeTopic(c, 'x')).ok).toBe(false);
    // Topics are matched by words of two or more letters or digits: one without any would never match.
    expect(await commands.subscribeTopic(c, 'a b c')).toMatchObject({ ok: false, error: /no word to match/ });
    expect(await commands.subscribeTopic(c, '!!')).toMatchObject({ ok: false, error: /no word to match/ });
    await commands.subscribeFeed(c, server.url('/rss.xml'));
    const list = await commands.list(c);
    expect(list.ok && list.text).toContain('"ukraine security"');
    expect(list.ok && list.text).toContain('Example Wire');
    expect(await commands.unsubscribe(c, 'nothing')).toMatchObject({ ok: false });
    // A blank target drops nothing (no target at all drops everything); a URL's path keeps its case.
    expect(await commands.unsubscribe(c, '   ')).toMatchObject({ ok: false, error: /which feed or topic/ });
    expect(await commands.unsubscribe(c, server.url('/RSS.xml'))).toMatchObject({ ok: false });
    expect((await channels.get('discord:g1:c4'))!.feeds).toHaveLength(1);
    expect((await commands.unsubscribe(c, 'example wire')).ok).toBe(true);
    // As typed when subscribing: spacing and case do not matter.
    expect((await commands.unsubscribe(c, ' Ukraine   Security')).ok).toBe(true);
    expect(await channels.get('discord:g1:c4')).toMatchObject({ feeds: [], topics: [] });
  });

  it('drops no feed by a title several of its feeds share, and names their URLs instead', async () => {
    const c = { ...ctx, channelId: 'c4t' };
    for (const path of ['/world-a.xml', '/world-b.xml'])
      server.setFeed(path, renderRss('World News', 'https://wire.example/', []));
    expect((await commands.subscribeFeed(c, server.url('/world-a.xml'))).ok).toBe(true);
    expect((await commands.subscribeFeed(c, server.url('/world-b.xml'))).ok).toBe(true);
    expect(await commands.unsubscribe(c, 'world news')).toEqual({
      ok: false,
      error: `2 feeds here are titled "world news"; give the URL of the one to drop:\n• ${server.url('/world-a.xml')}\n• ${server.url('/world-b.xml')}`,
    });
    expect((await channels.get('discord:g1:c4t'))!.feeds).toHaveLength(2);
    expect((await commands.unsubscribe(c, server.url('/world-b.xml'))).ok).toBe(true);
    // Now the title names one feed.
    expect((await commands.unsubscribe(c, 'World News')).ok).toBe(true);
    expect((await channels.get('discord:g1:c4t'))!.feeds).toEqual([]);
  });

  it('refuses a topic that holds a web address: feeds are followed one URL at a time', async () => {
    const c = { ...ctx, channelId: 'c12' };
    // As Slack's "subscribe URL URL" arrives: more than one word, so not a feed URL.
    const two = await commands.subscribeTopic(c, 'https://a.example/rss https://b.example/rss');
    expect(two).toEqual({
      ok: false,
      error: 'a topic is keywords, not web addresses: follow a feed by giving its URL alone, one at a time',
    });
    expect((await commands.subscribeTopic(c, 'news <https://a.example/rss|a>')).ok).toBe(false);
    expect((await channels.get('discord:g1:c12'))?.topics ?? []).toEqual([]);
    expect((await commands.subscribeTopic(c, 'http client libraries')).ok).toBe(true);
  });

  it('stores quoted phrases of a topic in straight quotes, as typed on any keyboard', async () => {
    const c = { ...ctx, channelId: 'c4q' };
    const reply = await commands.subscribeTopic(c, ' \u201c New  York \u201d  Mayor ""');
    expect(reply).toMatchObject({ ok: true, text: expect.stringContaining('about "new york" mayor from') });
    expect((await channels.get('discord:g1:c4q'))!.topics).toEqual(['"new york" mayor']);
    expect(await commands.subscribeTopic(c, '"New York" mayor')).toMatchObject({
      ok: true,
      text: 'This channel already follows the topic "new york" mayor.',
    });
    expect((await channels.get('discord:g1:c4q'))!.topics).toHaveLength(1);
    const list = await commands.list(c);
    expect(list.ok && list.text).toContain('Topics: "new york" mayor');
    expect((await commands.unsubscribe(c, '"new york"   MAYOR')).ok).toBe(true);
  });

  it('says which words of a topic a report must have, and which of them stand together', async () => {
    const c = { ...ctx, channelId: 'c4r' };
    const text = async (topic: string) => {
      const reply = await commands.subscribeTopic(c, topic);
      return reply.ok ? reply.text : reply.error;
    };
    expect(await text('New York mayor')).toContain(
      `A report's headline or summary must have "new york" and mayor.`,
    );
    expect(await text('ukraine security talks')).toContain(
      `A report's headline or summary must have ukraine, security and talks.`,
    );
    expect(await text('"white house"')).toContain(`A report's headline or summary must have "white house".`);
    expect(await text('bank of england')).toContain(`must have "bank of england".`);
    expect(await text('ukraine')).not.toContain('must have');
  });

  it('validates digest settings and lifts a pause', async () => {
    const c = { ...ctx, channelId: 'c5' };
    expect(await commands.setDigest(c, { time: '25:00' })).toMatchObject({ ok: false, error: /HH:MM/ });
    expect(await commands.setDigest(c, { timezone: 'Mars/Base' })).toMatchObject({
      ok: false,
      error: /IANA/,
    });
    expect(await commands.setDigest(c, { mode: 'hourly' })).toMatchObject({ ok: false });
    const channel = await channels.getOrCreate('discord', 'g1', 'c5');
    await channels.save({
      ...channel,
      paused: { reason: 'missing permissions', at: '2026-01-01T00:00:00Z' },
    });
    const reply = await commands.setDigest(c, { time: '7:30', timezone: 'Europe/Berlin', mode: 'both' });
    expect(reply).toMatchObject({
      ok: true,
      text: expect.stringContaining('daily digest at 07:30 Europe/Berlin'),
    });
    const saved = await channels.get('discord:g1:c5');
    expect(saved).toMatchObject({ digestTime: '07:30', timezone: 'Europe/Berlin', mode: 'both' });
    expect(saved?.paused).toBeUndefined();
    expect(saved?.dailySince).toBeDefined();
    // Times as written in much of the world, and a zone in any case, are taken and kept in one form.
    expect(await commands.setDigest(c, { time: '8.15', timezone: 'europe/berlin' })).toMatchObject({
      ok: true,
      text: expect.stringContaining('daily digest at 08:15 Europe/Berlin'),
    });
    expect(await commands.setDigest(c, { time: '6h45' })).toMatchObject({ ok: true });
    expect(await channels.get('discord:g1:c5')).toMatchObject({
      digestTime: '06:45',
      timezone: 'Europe/Berlin',
    });
    expect(await commands.setDigest(c, { time: '7.5' })).toMatchObject({ ok: false, error: /HH:MM/ });
  });

  it('keeps every change when commands in one channel overlap, a subscription waiting on its fetch meanwhile', async () => {
    server.setFeed(
      '/second.xml',
      renderRss('Second Wire', 'https://second.example/', [
        { guid: '1', title: 'Storm', link: 'https://second.example/1', body: 'Rain.', pubDate: new Date() },
      ]),
    );
    const c = { ...ctx, channelId: 'c-overlap' };
    const replies = await Promise.all([
      commands.subscribeFeed(c, server.url('/rss.xml')),
      commands.subscribeFeed(c, server.url('/second.xml')),
      commands.subscribeTopic(c, 'ukraine'),
      commands.setDigest(c, { time: '09:30', mode: 'daily' }),
    ]);
    expect(replies.map((r) => r.ok)).toEqual([true, true, true, true]);
    const saved = await channels.get('discord:g1:c-overlap');
    expect(saved?.feeds.map((f) => f.url).sort()).toEqual([
      server.url('/rss.xml'),
      server.url('/second.xml'),
    ]);
    expect(saved).toMatchObject({ topics: ['ukraine'], mode: 'daily', digestTime: '09:30' });
  });

  it('resumes a paused channel when it subscribes again to what it follows', async () => {
    const c = { ...ctx, channelId: 'c-resume' };
    await commands.subscribeTopic(c, 'ukraine');
    const pause = async () =>
      channels.save({
        ...(await channels.getOrCreate('discord', 'g1', 'c-resume')),
        paused: { reason: 'missing permissions', at: '2026-01-01T00:00:00Z' },
      });
    await pause();
    expect(await commands.subscribeTopic(c, 'ukraine')).toEqual({
      ok: true,
      text: 'This channel already follows the topic "ukraine". Deliveries resume.',
    });
    expect((await channels.get('discord:g1:c-resume'))?.paused).toBeUndefined();
    await commands.subscribeFeed(c, server.url('/rss.xml'));
    await pause();
    expect(await commands.subscribeFeed(c, server.url('/rss.xml'))).toMatchObject({
      ok: true,
      text: expect.stringMatching(/^This channel already follows Example Wire .*\. Deliveries resume\.$/),
    });
    expect((await channels.get('discord:g1:c-resume'))?.paused).toBeUndefined();
  });

  it('turns daily digests on for a time given alone, and keeps realtime posts that were on', async () => {
    const c = { ...ctx, channelId: 'c7' };
    expect(await commands.setDigest(c, { time: '09:30', dailyIfOff: true })).toMatchObject({
      ok: true,
      text: 'Delivery: a daily digest at 09:30 UTC.',
    });
    await commands.setDigest(c, { mode: 'both' });
    expect(await commands.setDigest(c, { time: '10:15', dailyIfOff: true })).toMatchObject({
      ok: true,
      text: 'Delivery: stories as soon as 2 outlets cover them, and a daily digest at 10:15 UTC.',
    });
    expect((await channels.get('discord:g1:c7'))?.mode).toBe('both');
  });

  it('knows a feed followed under an address that redirects by the address it leads to', async () => {
    server.setRedirect('/old-rss.xml', '/rss.xml');
    const old = server.url('/old-rss.xml');
    const knowing = new ChannelCommands(channels, engine, fetch, undefined, feedDestinations(store));
    const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" text="Wire" xmlUrl="${old}"/></body></opml>`;
    const c = { ...ctx, channelId: 'c-moved' };
    expect(await knowing.importOpml(c, opml)).toMatchObject({
      text: expect.stringMatching(/^Imported 1 feeds\./),
    });
    // The poller fetches the old address and notes where it led.
    const pass = await pollFeeds(
      [{ url: old, kind: 'report', fetchArticles: false }],
      store,
      fetch,
      silentLogger,
    );
    await pass.commit();
    expect(await knowing.subscribeFeed(c, server.url('/rss.xml'))).toMatchObject({
      ok: true,
      text: `This channel already follows Wire (${old}).`,
    });
    expect((await channels.get('discord:g1:c-moved'))?.feeds.map((f) => f.url)).toEqual([old]);
    // The other way round: a channel that follows the new address imports the old one.
    const d = { ...ctx, channelId: 'c-moved-2' };
    await knowing.subscribeFeed(d, server.url('/rss.xml'));
    expect(await knowing.importOpml(d, opml)).toMatchObject({
      text: expect.stringMatching(/^Imported 0 feeds \(1 already followed\)/),
    });
    // A file that lists both addresses follows the feed once, under the address it has now.
    const both = `<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" text="Wire" xmlUrl="${old}"/><outline type="rss" text="Wire" xmlUrl="${server.url('/rss.xml')}"/></body></opml>`;
    const e = { ...ctx, channelId: 'c-moved-3' };
    expect(await knowing.importOpml(e, both)).toMatchObject({
      text: expect.stringMatching(
        /^Imported 1 feeds \(1 listed under an old address as well as its new one\)/,
      ),
    });
    expect((await channels.get('discord:g1:c-moved-3'))?.feeds.map((f) => f.url)).toEqual([
      server.url('/rss.xml'),
    ]);
  });

  it('imports and exports OPML', async () => {
    const c = { ...ctx, channelId: 'c6' };
    const opml = `<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="News">
      <outline type="rss" text="A" xmlUrl="https://a.example/rss"/><outline type="rss" text="B" xmlUrl="https://b.example/rss"/>
    </outline></body></opml>`;
    expect(await commands.importOpml(c, opml)).toMatchObject({
      ok: true,
      text: expect.stringMatching(/^Imported 2 feeds/),
    });
    expect(await commands.importOpml(c, opml)).toMatchObject({
      text: expect.stringMatching(/^Imported 0 feeds \(2 already/),
    });
    expect(await commands.importOpml(c, '<html><body>no</body></html>')).toMatchObject({
      ok: false,
      error: /not OPML/,
    });
    const exported = await commands.exportOpml(c);
    // A feed reader shows the title: no internal channel key in it.
    expect(exported).toContain('<title>Threadline feeds</title>');
    expect(exported).not.toContain('g1');
    expect(exported).toContain('xmlUrl="https://a.example/rss"');
    expect(exported).toContain('xmlUrl="https://b.example/rss"');
  });

  it('records when each feed and topic was followed, by command or import, and forgets it with the topic', async () => {
    let clock = new Date('2026-03-10T12:00:00Z');
    const timed = new ChannelCommands(channels, engine, fetch, () => clock);
    const c = { ...ctx, channelId: 'c6s' };
    const followed = await timed.subscribeFeed(c, server.url('/rss.xml'));
    expect(followed).toMatchObject({
      text: expect.stringContaining(
        'Stories reported before now come here only if fresh coverage of them does.',
      ),
    });
    clock = new Date('2026-03-10T13:00:00Z');
    await timed.subscribeTopic(c, 'volcano');
    clock = new Date('2026-03-10T14:00:00Z');
    const opml = `<opml version="2.0"><body><outline type="rss" text="A" xmlUrl="https://a.example/rss"/></body></opml>`;
    expect(await timed.importOpml(c, opml)).toMatchObject({
      text: expect.stringContaining(
        'Stories reported before now come here only if fresh coverage of them does.',
      ),
    });
    // Following it again changes nothing, its time included.
    clock = new Date('2026-03-11T00:00:00Z');
    await timed.subscribeTopic(c, 'volcano');
    let saved = await channels.get('discord:g1:c6s');
    expect(saved?.feeds).toEqual([
      { url: server.url('/rss.xml'), title: 'Example Wire', since: '2026-03-10T12:00:00.000Z' },
      { url: 'https://a.example/rss', title: 'A', since: '2026-03-10T14:00:00.000Z' },
    ]);
    expect(saved?.topicSince).toEqual({ volcano: '2026-03-10T13:00:00.000Z' });
    await timed.unsubscribe(c, 'volcano');
    saved = await channels.get('discord:g1:c6s');
    expect(saved?.topicSince).toEqual({});
    // A channel of daily digests only is not told of realtime posts it does not get.
    await timed.setDigest(c, { mode: 'daily' });
    expect(await timed.subscribeTopic(c, 'storm')).toMatchObject({
      text: expect.not.stringContaining('fresh coverage'),
    });
  });

  it('names the OPML outlines whose feed address is not a web address, instead of dropping them unsaid', async () => {
    const c = { ...ctx, channelId: 'c10' };
    const outline = (url: string) => `<outline type="rss" text="x" xmlUrl="${url}"/>`;
    const opml = (urls: string[]) => `<opml version="2.0"><body>${urls.map(outline).join('')}</body></opml>`;
    const reply = await commands.importOpml(
      c,
      opml(['https://a.example/rss', 'feed:/b.example/rss', 'not a url', 'ftp://x.example/r']),
    );
    expect(reply).toMatchObject({
      ok: true,
      text: expect.stringMatching(
        /^Imported 1 feeds \(3 refused: feed:\/b\.example\/rss, not a url, ftp:\/\/x\.example\/r; such as: not an http or https address\)/,
      ),
    });
    expect((await channels.get('discord:g1:c10'))?.feeds.map((f) => f.url)).toEqual([
      'https://a.example/rss',
    ]);
    expect(await commands.importOpml(c, opml(['not a url']))).toEqual({
      ok: false,
      error: 'no feed in the OPML file can be followed: not a url; such as: not an http or https address',
    });
    // Folders and notes, outlines without any feed address, are no feeds and not reported.
    expect(
      await commands.importOpml(c, '<opml version="2.0"><body><outline text="folder"/></body></opml>'),
    ).toEqual({ ok: false, error: 'the OPML file lists no feeds' });
  });

  it('says which OPML feeds were left out for the channel limit, apart from those already followed', async () => {
    const c = { ...ctx, channelId: 'c11' };
    const full = Array.from({ length: 198 }, (_, i) => ({ url: `https://f${i}.example/rss` }));
    await channels.save({ ...(await channels.getOrCreate('discord', 'g1', 'c11')), feeds: full });
    const outline = (url: string) => `<outline type="rss" text="x" xmlUrl="${url}"/>`;
    const urls = ['https://f0.example/rss', ...[1, 2, 3, 4, 5].map((i) => `https://new${i}.example/rss`)];
    const reply = await commands.importOpml(
      c,
      `<opml version="2.0"><body>${urls.map(outline).join('')}</body></opml>`,
    );
    expect(reply).toMatchObject({
      ok: true,
      text: expect.stringMatching(
        /^Imported 2 feeds \(1 already followed; 3 over the limit of 200 feeds a channel can follow: https:\/\/new3\.example\/rss, https:\/\/new4\.example\/rss, https:\/\/new5\.example\/rss\)\./,
      ),
    });
    expect((await channels.get('discord:g1:c11'))?.feeds).toHaveLength(200);
  });

  it('refuses OPML feeds at private addresses or with credentials, saving and showing none of them', async () => {
    const c = { ...ctx, channelId: 'c8' };
    const outline = (url: string) => `<outline type="rss" text="x" xmlUrl="${url}"/>`;
    const opml = (urls: string[]) => `<opml version="2.0"><body>${urls.map(outline).join('')}</body></opml>`;
    const hostile = [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:6379/',
      'http://10.0.0.5/rss',
      'http://[::1]/rss',
      'http://localhost:8080/rss',
      'https://admin:hunter2@news.example/rss',
    ];
    expect(await guarded.importOpml(c, opml(hostile))).toMatchObject({
      ok: false,
      error:
        /^no feed in the OPML file can be followed: http:\/\/169\.254\.169\.254\/latest\/meta-data\/, .* and 1 more; such as: refused: /,
    });
    const reply = await guarded.importOpml(
      c,
      opml([...hostile, 'https://c.example/rss', 'https://c.example/rss#x']),
    );
    expect(reply).toMatchObject({
      ok: true,
      text: expect.stringMatching(
        /^Imported 1 feeds \(6 refused: http:\/\/169\.254\.169\.254\/latest\/meta-data\/, /,
      ),
    });
    // Each refused feed is named, without the credentials it may carry.
    expect(reply.ok && reply.text).toContain('http://[::1]/rss');
    const credentials = await guarded.importOpml(c, opml(['https://admin:hunter2@news.example/rss']));
    expect(!credentials.ok && credentials.error).toContain('followed: https://news.example/rss; such as: ');
    expect(!credentials.ok && credentials.error).not.toContain('hunter2');
    // The refusal says how an operator lets a self-hosted feed through.
    expect(reply.ok && reply.text).toContain('fetch.allowPrivate');
    const saved = await channels.get('discord:g1:c8');
    expect(saved?.feeds).toEqual([{ url: 'https://c.example/rss', title: 'x', since: expect.any(String) }]);
    const list = await guarded.list(c);
    expect(list.ok && list.text).not.toMatch(/hunter2|169\.254|127\.0\.0\.1/);
    // The allow-list that admits a private address for polling admits it here too.
    expect(
      await commands.importOpml({ ...ctx, channelId: 'c9' }, opml(['http://127.0.0.1:9/rss'])),
    ).toMatchObject({
      ok: true,
      text: expect.stringMatching(/^Imported 1 feeds\./),
    });
  });

  it('finds a story by query and suggests headlines', () => {
    const found = commands.story('ukraine');
    expect('digest' in found && found.digest.headline).toBe('Trump hints at big progress on Russia');
    expect(commands.story('volcano')).toEqual({ error: 'no recent story matches "volcano"' });
    expect(commands.story(`ukraine ${'x'.repeat(300)}`)).toEqual({
      error: 'a story search is at most 200 characters',
    });
    expect(commands.suggest('russ '.repeat(50))).toEqual([]);
    expect(commands.suggest('russ')).toEqual([
      { name: 'Trump hints at big progress on Russia', value: 'Trump hints at big progress on Russia' },
    ]);
  });

  it('finds a story that went cold days ago, while its items are kept', async () => {
    const engine = await freshEngine();
    await engine.ingest([
      item('v1', 'Volcano erupts in Iceland, flights grounded', 'Wire A', '2026-01-01T10:00:00Z'),
      item('v2', 'Iceland volcano erupts; flights grounded', 'Wire B', '2026-01-01T11:00:00Z'),
      // Five days later the volcano has long gone cold; a lone follow-up starts a story of its own.
      item('v3', 'Iceland volcano: airline counts the cost', 'Wire C', '2026-01-06T10:00:00Z'),
    ]);
    const cold = new ChannelCommands(channels, engine, parseConfig({}).fetch).story('iceland volcano');
    expect('digest' in cold && cold.digest.outletCount).toBe(2);
  });

  it('finds coverage that arrived after an earlier search, and the story as it stands now', async () => {
    const engine = await freshEngine();
    await engine.ingest([item('f1', 'Lisbon flood closes metro', 'Wire A', '2026-01-01T10:00:00Z')]);
    const search = new ChannelCommands(channels, engine, parseConfig({}).fetch);
    expect(search.story('volcano')).toEqual({ error: 'no recent story matches "volcano"' });
    const first = search.story('lisbon flood');
    expect('digest' in first && first.digest.outletCount).toBe(1);
    await engine.ingest([
      item('v1', 'Volcano erupts in Iceland, flights grounded', 'Wire A', '2026-01-01T11:00:00Z'),
      item('f2', 'Lisbon flood: metro closed for a second day', 'Wire B', '2026-01-01T12:00:00Z'),
    ]);
    const volcano = search.story('volcano');
    expect('digest' in volcano && volcano.digest.headline).toMatch(/^Volcano erupts/);
    expect(search.suggest('volc').map((s) => s.name)).toEqual([expect.stringMatching(/^Volcano erupts/)]);
    // Newest first when nothing is typed.
    expect(search.suggest('').map((s) => s.name)).toEqual([
      expect.stringMatching(/Lisbon flood/),
      expect.stringMatching(/^Volcano erupts/),
    ]);
    const again = search.story('lisbon flood');
    expect('digest' in again && again.digest.outletCount).toBe(2);
    expect('digest' in again && again.digest.coverage.map((c) => c.source).sort()).toEqual([
      'Wire A',
      'Wire B',
    ]);
  });

  it('ranks the story more publishers cover first among equal matches; a publisher’s feeds count once', async () => {
    const engine = await freshEngine();
    const linked = (id: string, title: string, source: string, url: string) => ({
      ...item(id, title, source, '2026-01-01T10:00:00Z'),
      url,
    });
    await engine.ingest([
      // Three feeds of one broadcaster.
      linked('b1', 'Lisbon flood closes metro', 'BBC News - World', 'https://www.bbc.co.uk/news/world-1'),
      linked('b2', 'Lisbon flood: metro closed', 'BBC News - Europe', 'https://www.bbc.co.uk/news/europe-2'),
      linked('b3', 'Metro closed by Lisbon flood', 'BBC News - Business', 'https://www.bbc.co.uk/news/biz-3'),
      // Two publishers.
      linked('p1', 'Porto flood cuts rail line', 'Wire A', 'https://wire-a.example/porto'),
      linked('p2', 'Porto flood: rail line cut', 'Wire B', 'https://wire-b.example/porto'),
    ]);
    const search = new ChannelCommands(channels, engine, parseConfig({}).fetch);
    const found = search.story('flood');
    expect('digest' in found && found.digest.headline).toMatch(/^Porto flood/);
    expect(search.suggest('flood').map((s) => s.name)).toEqual([
      expect.stringMatching(/^Porto flood/),
      expect.stringMatching(/Lisbon flood/),
    ]);
  });
});

describe('channel store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-channels-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists a channel whose first save failed part-way, once the command is given again', async () => {
    const store = openStore('memory://');
    const channels = new ChannelStore(store);
    const meta = store.ns('meta');
    const set = meta.set.bind(meta);
    let blips = 1;
    meta.set = (async (...args: Parameters<typeof set>) => {
      if (blips-- > 0) throw new Error('store blip');
      return set(...args);
    }) as typeof meta.set;
    const fresh = await channels.getOrCreate('slack', 'T1', 'C1');
    const follow = (c: ChannelSettings) =>
      c.topics.includes('ukraine') ? undefined : { ...c, topics: ['ukraine'] };
    await expect(channels.update(fresh, follow)).rejects.toThrow('store blip');
    // The user sees the error and gives the command again.
    await channels.update(fresh, follow);
    expect((await channels.list()).map((c) => [c.key, c.topics])).toEqual([[fresh.key, ['ukraine']]]);
  });

  for (const url of ['memory://', `sqlite://${join(dir, 'channels.sqlite')}`]) {
    it(`lists every channel set up at the same moment (${url.split(':')[0]})`, async () => {
      const channels = new ChannelStore(openStore(url));
      const fresh = await Promise.all(
        ['c1', 'c2', 'c3', 'c4'].map((id) => channels.getOrCreate('slack', 'T1', id)),
      );
      await Promise.all(fresh.map((c) => channels.save({ ...c, topics: ['ukraine'] })));
      expect((await channels.list()).map((c) => c.channelId).sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
    });
  }

  it('lists only channels that follow something, so channels that came and went cost a pass nothing', async () => {
    const store = openStore('memory://');
    const channels = new ChannelStore(store);
    const commands = new ChannelCommands(channels, await freshEngine(), parseConfig({}).fetch);
    // Channel after channel follows a topic for a while, then drops everything.
    for (let i = 0; i < 300; i++) {
      const at: CommandContext = {
        platform: i % 2 ? 'slack' : 'discord',
        workspaceId: 'w1',
        channelId: `c${i}`,
      };
      await commands.subscribeTopic(at, 'volcano');
      if (i % 100 === 0) await commands.setDigest(at, { time: '07:30', mode: 'both' });
      await commands.unsubscribe(at);
    }
    const stays = { platform: 'discord' as const, workspaceId: 'w1', channelId: 'kept' };
    await commands.subscribeTopic(stays, 'volcano');
    expect((await channels.list()).map((c) => c.channelId)).toEqual(['kept']);
    // A channel that follows something again is listed again, with the settings it had.
    const back: CommandContext = { platform: 'discord', workspaceId: 'w1', channelId: 'c0' };
    await commands.subscribeTopic(back, 'iceland');
    expect((await channels.list()).map((c) => [c.channelId, c.digestTime, c.mode])).toEqual([
      ['kept', '08:00', 'realtime'],
      ['c0', '07:30', 'both'],
    ]);
    // A Slack Connect channel that follows nothing is still the same channel from another workspace.
    expect((await channels.getOrCreate('slack', 'w2', 'c1')).key).toBe('slack:w1:c1');
  });

  it('drops from the listing channels an earlier version listed though they follow nothing', async () => {
    const store = openStore('memory://');
    const channels = new ChannelStore(store);
    const base = { workspaceId: 'w1', kind: 'text' as const, ...DEFAULT_CHANNEL };
    const following = { ...base, key: 'discord:w1:a', platform: 'discord' as const, channelId: 'a' };
    const empty = { ...base, key: 'slack:w1:b', platform: 'slack' as const, channelId: 'b' };
    // As an earlier version left them: every channel ever set up in the index.
    await store.ns('channels').set(following.key, { ...following, feeds: [], topics: ['volcano'] });
    await store.ns('channels').set(empty.key, { ...empty, feeds: [], topics: [] });
    await store.ns('meta').set('channels:index', [following.key, empty.key]);
    expect((await channels.list()).map((c) => c.key)).toEqual([following.key]);
    expect(await store.ns('meta').get('channels:index')).toEqual([following.key]);
    // Still the same channel from another workspace (Slack Connect).
    expect((await channels.getOrCreate('slack', 'w2', 'b')).key).toBe(empty.key);
  });

  it('polls no feed for a paused channel alone, and polls it again once a command there resumes it', async () => {
    const channels = new ChannelStore(openStore('memory://'));
    const commands = new ChannelCommands(channels, await freshEngine(), parseConfig({}).fetch);
    const base = { workspaceId: 'w1', kind: 'text' as const, topics: [], ...DEFAULT_CHANNEL };
    const gone = {
      ...base,
      key: 'discord:w1:gone',
      platform: 'discord' as const,
      channelId: 'gone',
      feeds: [{ url: 'https://a.example/rss' }, { url: 'https://shared.example/rss' }],
      paused: { reason: 'Unknown Channel', at: '2026-01-01T00:00:00.000Z' },
    };
    const open = {
      ...base,
      key: 'slack:w1:open',
      platform: 'slack' as const,
      channelId: 'open',
      feeds: [{ url: 'https://shared.example/rss' }],
    };
    await channels.save(gone);
    await channels.save(open);
    expect((await channels.subscribedFeeds()).map((f) => f.url)).toEqual(['https://shared.example/rss']);
    await commands.setDigest(
      { platform: 'discord', workspaceId: 'w1', channelId: 'gone' },
      { time: '09:00' },
    );
    expect((await channels.subscribedFeeds()).map((f) => f.url).sort()).toEqual([
      'https://a.example/rss',
      'https://shared.example/rss',
    ]);
  });

  it('applies overlapping updates of one channel in turn, each to the result of the one before', async () => {
    const channels = new ChannelStore(openStore('memory://'));
    const fresh = await channels.getOrCreate('discord', 'g1', 'c1');
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((topic) =>
        channels.update(fresh, (current) => ({ ...current, topics: [...current.topics, topic] })),
      ),
    );
    expect((await channels.get(fresh.key))?.topics).toEqual(['a', 'b', 'c', 'd']);
    // A change that fails leaves the queue working.
    await expect(
      channels.update(fresh, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await channels.update(fresh, (current) => ({ ...current, topics: [] }))).topics).toEqual([]);
  });
});
