/**
 * The Discord bot end to end: the real discord.js client against the fake Discord (REST + gateway), the
 * real App polling the seed stories from a local feed server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { ChannelCommands } from '../../src/deliver/channel-commands.js';
import { ChannelSink } from '../../src/deliver/channel-sink.js';
import { ChannelStore, channelKey } from '../../src/deliver/channels.js';
import { Deliverer } from '../../src/deliver/deliverer.js';
import type { StoryDigest } from '../../src/model.js';
import { createDiscordBot, type DiscordBot, registerCommands } from '../../src/platforms/discord/index.js';
import { renderDiscordStory } from '../../src/platforms/discord/render.js';
import { openStore } from '../../src/store/index.js';
import { FakeDiscord, type FakeMessage, type Json, opt, Permission } from '../fakes/discord.js';
import { FeedServer, renderRss } from '../helpers/feed-server.js';
import { loadSeeds } from '../helpers/shared.js';
import { storyDigest, storyUpdate } from './fixture.js';

const OUTLETS = ['Valley Newz', 'Truth and Resistance', 'Capital Ledger', 'Morning Wire', 'Global Desk'];
const MANAGER = PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ViewChannel;
const MEMBER = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
const seeds = loadSeeds();
const feeds = new FeedServer();

function seedFeed(i: number, outlet = OUTLETS[i]!, seed = i): string {
  const s = seeds[seed]!;
  return renderRss(outlet, `https://outlet${i}.example/`, [
    {
      guid: `seed-${i}-${seed}`,
      title: s.title,
      link: `https://outlet${i}.example/news/${seed}`,
      body: s.body,
      pubDate: new Date(Date.UTC(2025, 7, 17, 12 + i)),
    },
  ]);
}

beforeAll(async () => {
  await feeds.start();
  for (let i = 0; i < 5; i++) feeds.setFeed(`/seed/${i}.xml`, seedFeed(i));
  // Seed 2's wire copy, run by two more outlets: one story with seed 2 whatever the clusterer makes of
  // the other seeds (which by the spec join it too).
  feeds.setFeed('/wire.xml', seedFeed(5, 'Wire Service', 2));
  const s2 = seeds[2]!;
  feeds.setFeed(
    '/wire2.xml',
    renderRss('Second Wire', 'https://outlet6.example/', [
      {
        guid: 'second-wire-1',
        title: `Update: ${s2.title}`,
        link: 'https://outlet6.example/news/2',
        body: `${s2.body}\nOfficials in Kyiv said the talks would continue next week.`,
        pubDate: new Date(Date.UTC(2025, 7, 17, 18)),
      },
    ]),
  );
  feeds.setFeed(
    '/loud.xml',
    renderRss('Loud Outlet', 'https://loud.example/', [
      {
        guid: 'loud-1',
        title:
          '@everyone **Breaking**: <@123456789012345678> wins _everything_ [click](https://evil.example)',
        link: 'https://loud.example/news/1',
        body: '@here # Heading\nThe mayor said the vote was **rigged** and ~~fair~~ @everyone should know.',
        pubDate: new Date(Date.UTC(2025, 7, 17, 9)),
      },
    ]),
  );
  feeds.setFeed('/not-a-feed', '<html><body>No feed here</body></html>');
});
afterAll(() => feeds.stop());

const seedUrl = (i: number) => feeds.url(`/seed/${i}.xml`);
/** Two outlets with one story: seed 2 and its wire copy. */
const twoOutlets = () => [seedUrl(2), feeds.url('/wire.xml')];
const allSeeds = () => [0, 1, 2, 3, 4].map(seedUrl);

interface Harness {
  fake: FakeDiscord;
  app: App;
  bot: DiscordBot;
  logs: { level: number; msg: string; channel?: string; reason?: string }[];
  clock: { now?: Date };
}

let h: Harness;

async function startHarness(): Promise<Harness> {
  const fake = new FakeDiscord();
  await fake.start();
  await registerCommands({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.restUrl });
  const logs: Harness['logs'] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const config = parseConfig({
    store: 'memory://',
    fetch: { allowPrivate: ['127.0.0.1'] },
    // The seed reports are dated August 2025: first posts here have no age limit.
    updates: { maxStoryAgeHours: 0 },
    sinks: { console: { enabled: false } },
  });
  const clock: Harness['clock'] = {};
  const bot = createDiscordBot({
    secrets: { discordToken: fake.token, discordApiUrl: fake.restUrl },
    config,
    logger,
  });
  const app = new App(config, { logger, adapters: [bot.adapter], now: () => clock.now ?? new Date() });
  await app.init();
  bot.attach(app);
  await bot.start();
  return { fake, app, bot, logs, clock };
}

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.bot.stop();
  await h.app.stop();
  await h.fake.stop();
  expect(h.fake.internalErrors).toEqual([]);
  expect(h.fake.unknownRequests).toEqual([]);
  // Nothing Threadline sent may ping anyone: every create and edit carried allowed_mentions none.
  const loud = h.fake.messagePayloads.filter((p) => JSON.stringify(p.allowedMentions) !== '{"parse":[]}');
  expect(loud).toEqual([]);
});

const guildId = () => h.fake.guild().id;
const idOf = (name: string) => h.fake.channel(name).id;
const keyOf = (name: string) => channelKey('discord', guildId(), idOf(name));

/** Runs a slash command and returns its (first) reply. */
async function run(
  command: string,
  channel: string,
  options: Json[] = [],
  extra: { permissions?: bigint; attachments?: { option: string; filename: string; data: string }[] } = {},
): Promise<FakeMessage> {
  const handle = h.fake.sendInteraction({
    command,
    channel,
    options,
    permissions: extra.permissions ?? MANAGER,
    attachments: extra.attachments,
  });
  return handle.reply();
}

async function follow(channel: string, urls: string[], minSources?: number): Promise<void> {
  const settings = await h.app.channels.getOrCreate('discord', guildId(), idOf(channel));
  const kind =
    h.fake.channel(channel).type === 15 ? 'forum' : channel === 'announcements' ? 'announcement' : 'text';
  await h.app.channels.save({
    ...settings,
    kind,
    feeds: urls.map((url) => ({ url })),
    ...(minSources ? { minSources } : {}),
  });
}

/** Bot messages posted in the channel itself (story parents, notices), not in threads. */
const parents = (channel: string) => h.fake.messages(channel).filter((m) => m.source === 'channel');
const storyParents = (channel: string) => parents(channel).filter((m) => m.embeds.length > 0);
const embedOf = (m: FakeMessage) =>
  m.embeds[0] as { title?: string; description?: string; footer?: { text: string } };

/** The text channel and the forum channel, as the App knows them. */
async function textAndForum() {
  const text = await h.app.channels.getOrCreate('discord', guildId(), idOf('general'), 'text');
  const forum = await h.app.channels.getOrCreate('discord', guildId(), idOf('news-forum'), 'forum');
  return [text, forum];
}

const parentPost = (channel: string) => (r: { method: string; path: string }) =>
  r.method === 'POST' && r.path === `/channels/${idOf(channel)}/messages`;

/** Stories the App would post with this many outlets. */
const postable = (min: number) =>
  h.app.engine.stories().filter((s) => (h.app.engine.digest(s.id)?.outletCount ?? 0) >= min);

describe('register-commands', () => {
  it('bulk-overwrites the commands globally and for one guild with Manage Channels on configuration', async () => {
    const global = h.fake.commands();
    expect(global.map((c) => c.name).sort()).toEqual(
      ['digest', 'feeds', 'story', 'subscribe', 'subscriptions', 'unsubscribe'].sort(),
    );
    const perms = Object.fromEntries(global.map((c) => [c.name, c.default_member_permissions]));
    expect(perms).toEqual({
      subscribe: '16',
      unsubscribe: '16',
      subscriptions: '16',
      digest: '16',
      feeds: '16',
      story: null,
    });
    expect(global.every((c) => c.dm_permission === false)).toBe(true);
    const story = global.find((c) => c.name === 'story')!;
    expect((story.options as Json[])[0]).toMatchObject({ name: 'query', autocomplete: true, required: true });

    const done = await registerCommands({
      token: h.fake.token,
      applicationId: h.fake.applicationId,
      apiUrl: h.fake.restUrl,
      guildId: guildId(),
    });
    expect(done.scope).toBe(`guild ${guildId()}`);
    const guild = h.fake.commands(guildId());
    expect(guild.map((c) => c.name).sort()).toEqual(global.map((c) => c.name).sort());
    expect(guild.find((c) => c.name === 'feeds')?.default_member_permissions).toBe('16');
    // Registering again keeps the ids (a bulk overwrite, not new commands).
    const ids = guild.map((c) => c.id);
    await registerCommands({
      token: h.fake.token,
      applicationId: h.fake.applicationId,
      apiUrl: h.fake.restUrl,
      guildId: guildId(),
    });
    expect(h.fake.commands(guildId()).map((c) => c.id)).toEqual(ids);
  });
});

describe('configuration commands', () => {
  it('/subscribe feed: by a manager validates the feed once, saves it and confirms ephemerally', async () => {
    const before = feeds.requests.length;
    const reply = await run('subscribe', 'general', [opt.string('feed', seedUrl(0))]);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('Subscribed to Valley Newz');
    expect(feeds.requests.slice(before).map((r) => r.path)).toEqual(['/seed/0.xml']);
    const saved = await h.app.channels.get(keyOf('general'));
    expect(saved).toMatchObject({ kind: 'text', feeds: [{ url: seedUrl(0), title: 'Valley Newz' }] });
    // The slow path was deferred first, then completed.
    expect(h.fake.interactions[0]!.callbacks[0]!.type).toBe(5);
  });

  it('/subscribe without Manage Channels is refused and saves nothing', async () => {
    const before = feeds.requests.length;
    const reply = await run('subscribe', 'general', [opt.string('feed', seedUrl(0))], {
      permissions: MEMBER,
    });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(
      '**Not done:** changing what this channel follows needs the Manage Channels permission',
    );
    expect(feeds.requests.length).toBe(before);
    expect(await h.app.channels.get(keyOf('general'))).toBeUndefined();
    // Listing and exporting show feed addresses, which can carry access keys.
    const seeing =
      /^\*\*Not done:\*\* seeing the feeds this channel follows needs the Manage Channels permission/;
    expect((await run('subscriptions', 'general', [], { permissions: MEMBER })).content).toMatch(seeing);
    const exported = await run('feeds', 'general', [opt.subcommand('export')], { permissions: MEMBER });
    expect(exported.content).toMatch(seeing);
    expect(exported.attachments ?? []).toEqual([]);
  });

  it('/subscribe and /feeds import where the bot cannot post say which permissions it lacks', async () => {
    // The bot may see #announcements but neither post nor embed there.
    h.fake.channel('announcements').overwrites.push({
      id: h.fake.bot.id,
      type: 1,
      allow: 0n,
      deny: Permission.SendMessages | Permission.EmbedLinks,
    });
    const topic = await run('subscribe', 'announcements', [opt.string('topic', 'ukraine')]);
    expect(topic.content).toContain('Following stories about "ukraine"');
    expect(topic.content).toContain(
      '**Threadline cannot deliver here yet:** it lacks Send Messages and Embed Links in this channel.',
    );
    expect((await h.app.channels.get(keyOf('announcements')))?.topics).toEqual(['ukraine']);
    const opml = `<opml version="2.0"><body><outline type="rss" text="L" xmlUrl="https://ledger.example/rss.xml"/></body></opml>`;
    const imported = await run('feeds', 'announcements', [opt.subcommand('import')], {
      attachments: [{ option: 'file', filename: 'feeds.opml', data: opml }],
    });
    expect(imported.content).toContain('Imported 1 feeds');
    expect(imported.content).toContain('it lacks Send Messages and Embed Links');
    // Where it can post, no such note.
    const fine = await run('subscribe', 'general', [opt.string('topic', 'ukraine')]);
    expect(fine.content).not.toContain('cannot deliver');
  });

  it('/subscribe with a URL that is not a feed answers with a clear ephemeral error', async () => {
    const reply = await run('subscribe', 'general', [opt.string('feed', feeds.url('/not-a-feed'))]);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/Not done:.*is not a feed/);
    expect(await h.app.channels.get(keyOf('general'))).toBeUndefined();
  });

  it('/subscribe topic:, /subscriptions and /unsubscribe', async () => {
    const topic = await run('subscribe', 'announcements', [opt.string('topic', 'Ukraine  Security')]);
    expect(topic.content).toContain('Following stories about "ukraine security"');
    expect(await h.app.channels.get(keyOf('announcements'))).toMatchObject({
      kind: 'announcement',
      topics: ['ukraine security'],
    });
    await run('subscribe', 'announcements', [opt.string('feed', seedUrl(1))]);
    const list = await run('subscriptions', 'announcements');
    expect(list.ephemeral).toBe(true);
    expect(list.content).toContain('Feeds (1):');
    expect(list.content).toContain(seedUrl(1));
    expect(list.content).toContain('Topics: "ukraine security"');
    expect(list.content).toContain('Delivery: stories as soon as 2 outlets cover them.');

    // /unsubscribe completes the channel's feeds and topics, for those who may change them only.
    const complete = (permissions: bigint) =>
      h.fake
        .sendInteraction({
          kind: 'autocomplete',
          command: 'unsubscribe',
          channel: 'announcements',
          options: [opt.string('target', '', true)],
          permissions,
        })
        .choices();
    expect((await complete(MANAGER)).map((c) => c.value)).toEqual([seedUrl(1), 'ukraine security']);
    expect(await complete(MEMBER)).toEqual([]);

    const gone = await run('unsubscribe', 'announcements', [opt.string('target', 'ukraine security')]);
    expect(gone.content).toContain('Unsubscribed from "ukraine security"');
    expect((await h.app.channels.get(keyOf('announcements')))?.topics).toEqual([]);
  });

  it('/subscriptions shows no bidi controls from a stored feed name', async () => {
    const channel = await h.app.channels.getOrCreate('discord', guildId(), idOf('general'));
    const url = 'https://www.cs.example.edu/~alice/_feed/rss';
    // A name as an earlier version kept it: U+202E would show the rest of the line reversed.
    await h.app.channels.save({ ...channel, feeds: [{ url, title: 'Daily News \u202Elmx.sser' }] });
    const list = await run('subscriptions', 'general');
    expect(list.content).toContain(`• Daily News lmx.sser — <${url}>`);
    expect(list.content).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('/subscriptions of a channel with 200 long feed entries answers in at most five messages, the last saying what was left out', async () => {
    const channel = await h.app.channels.getOrCreate('discord', guildId(), idOf('general'));
    const feedsOf = Array.from({ length: 200 }, (_, n) => ({
      url: `https://news${n}.example.com/${'section/'.repeat(20)}feed-${n}.xml`,
      title: `Regional News Network ${n}: ${'world politics business '.repeat(4)}`,
    }));
    await h.app.channels.save({ ...channel, feeds: feedsOf });
    const handle = h.fake.sendInteraction({
      command: 'subscriptions',
      channel: 'general',
      permissions: MANAGER,
    });
    const first = await handle.reply();
    expect(first.content).toContain('Feeds (200):');
    const last = await handle.followUp(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(handle.followUps).toHaveLength(4);
    const messages = [first, ...handle.followUps];
    expect(messages.every((m) => m.ephemeral && m.content.length <= 2000)).toBe(true);
    const shown = messages
      .slice(0, -1)
      .flatMap((m) => m.content.split('\n'))
      .filter((l) => l.startsWith('• '));
    expect(shown.length).toBeGreaterThan(20);
    expect(last.content).toMatch(new RegExp(`and ${200 - shown.length + 2} more lines.*/feeds export`));
  });

  it('/digest saves good settings and rejects a bad time, time zone or mode', async () => {
    const good = await run('digest', 'general', [
      opt.string('time', '7:30'),
      opt.string('timezone', 'Europe/Berlin'),
      opt.string('mode', 'both'),
      opt.integer('min_sources', 3),
    ]);
    expect(good.ephemeral).toBe(true);
    expect(good.content).toContain(
      'Delivery: stories as soon as 3 outlets cover them, and a daily digest at 07:30',
    );
    expect(await h.app.channels.get(keyOf('general'))).toMatchObject({
      digestTime: '07:30',
      timezone: 'Europe/Berlin',
      mode: 'both',
      minSources: 3,
    });

    const badTime = await run('digest', 'general', [opt.string('time', '25:99')]);
    expect(badTime.content).toMatch(/Not done:.*"25:99" is not a time/);
    const badZone = await run('digest', 'general', [opt.string('timezone', 'Mars/Olympus')]);
    expect(badZone.content).toMatch(/not an IANA time zone/);
    const badMode = await run('digest', 'general', [opt.string('mode', 'weekly')]);
    expect(badMode.content).toMatch(/mode is realtime, daily or both/);
    expect(await h.app.channels.get(keyOf('general'))).toMatchObject({ digestTime: '07:30', mode: 'both' });

    // A time alone asks for a digest then: daily digests go on in a realtime channel, as on Slack.
    const alone = await run('digest', 'announcements', [opt.string('time', '7:05')]);
    expect(alone.content).toContain('Delivery: a daily digest at 07:05 UTC.');
    expect(await h.app.channels.get(keyOf('announcements'))).toMatchObject({
      digestTime: '07:05',
      mode: 'daily',
    });

    const zones = (typed: string) =>
      h.fake
        .sendInteraction({
          kind: 'autocomplete',
          command: 'digest',
          channel: 'general',
          options: [opt.string('timezone', typed, true)],
          permissions: MANAGER,
        })
        .choices();
    expect(await zones('berl')).toEqual([{ name: 'Europe/Berlin', value: 'Europe/Berlin' }]);
    // Zones renamed since ICU's list was fixed are offered under the name people know, and work.
    expect(await zones('kyiv')).toEqual([{ name: 'Europe/Kyiv', value: 'Europe/Kyiv' }]);
    const set = await run('digest', 'general', [opt.string('timezone', 'Europe/Kyiv')]);
    expect(set.content).toContain('Europe/Kyiv');
  });

  it('/feeds import reads an OPML attachment and /feeds export returns the feeds as a file', async () => {
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
      <outline text="Valley" title="Valley Newz" type="rss" xmlUrl="${seedUrl(0)}"/>
      <outline text="Ledger" type="rss" xmlUrl="https://ledger.example/rss.xml"/>
    </body></opml>`;
    const imported = await run('feeds', 'general', [opt.subcommand('import')], {
      attachments: [{ option: 'file', filename: 'feeds.opml', data: opml }],
    });
    expect(imported.ephemeral).toBe(true);
    expect(imported.content).toContain('Imported 2 feeds');
    expect(h.fake.downloads).toHaveLength(1);
    expect((await h.app.channels.get(keyOf('general')))?.feeds.map((f) => f.url)).toEqual([
      seedUrl(0),
      'https://ledger.example/rss.xml',
    ]);

    const handle = h.fake.sendInteraction({
      command: 'feeds',
      channel: 'general',
      options: [opt.subcommand('export')],
      permissions: MANAGER,
    });
    const exported = await handle.reply();
    expect(exported.ephemeral).toBe(true);
    const file = exported.attachments[0]!;
    expect(file.filename).toBe('threadline-feeds.opml');
    const xml = file.data.toString('utf8');
    expect(xml).toContain(`xmlUrl="${seedUrl(0)}"`);
    expect(xml).toContain('xmlUrl="https://ledger.example/rss.xml"');
  });

  it('/feeds export in a channel that follows no feeds says so instead of sending an empty file', async () => {
    await run('subscribe', 'general', [opt.string('topic', 'ukraine')]);
    const exported = await run('feeds', 'general', [opt.subcommand('export')]);
    expect(exported.ephemeral).toBe(true);
    expect(exported.content).toBe(
      '**Not done:** this channel follows no feeds to export; its topics are listed by /subscriptions',
    );
    expect(exported.attachments ?? []).toEqual([]);
  });

  it('/feeds import refuses a file over 1 MB without downloading it', async () => {
    const reply = await run('feeds', 'general', [opt.subcommand('import')], {
      attachments: [{ option: 'file', filename: 'big.opml', data: 'x'.repeat(1_000_001) }],
    });
    expect(reply.content).toMatch(/over 1 MB/);
    expect(h.fake.downloads).toHaveLength(0);
  });
});

/**
 * Posts the two-outlet story, then lets a third feed's update reach the thread and has the worker die before
 * the edit of the parent. Returns the thread, how long it was before the update and the replies that went out.
 */
async function cutOffUpdate(third: string) {
  await follow('general', twoOutlets());
  await h.app.pollOnce(true);
  const [thread] = h.fake.threads(idOf('general'));
  const threadBefore = h.fake.messages(thread!.id).length;
  await follow('general', [...twoOutlets(), third]);
  const parentId = storyParents('general')[0]!.id;
  const cut = h.fake.failNext(
    (r) => r.method === 'PATCH' && r.path === `/channels/${idOf('general')}/messages/${parentId}`,
    { status: 400, code: 50035 },
  );
  await h.app.pollOnce(true).catch(() => undefined);
  expect(cut.hits).toBe(1);
  return {
    thread: thread!,
    threadBefore,
    parentId,
    replied: h.fake.messages(thread!.id).slice(threadBefore),
  };
}

describe('realtime delivery', () => {
  it('posts a seed story as parent + thread at 2 sources, then updates the same thread and edits the parent', async () => {
    await follow('general', twoOutlets());
    await h.app.pollOnce(true);

    const [parent, ...others] = storyParents('general');
    expect(others).toHaveLength(0);
    expect(parent).toBeDefined();
    const digest = h.app.engine.digest(postable(2)[0]!.id)!;
    expect(embedOf(parent!).title).toBe(digest.headline);
    expect(embedOf(parent!).footer?.text).toMatch(/ · ref [0-9a-f]{10}$/);
    const [thread] = h.fake.threads(idOf('general'));
    expect(thread).toMatchObject({ id: parent!.id, parentId: idOf('general') });
    const replies = h.fake.messages(thread!.id).map((m) => m.content);
    expect(replies.some((c) => c.startsWith('**Reported facts**'))).toBe(true);
    expect(replies.some((c) => c.startsWith('**Coverage**'))).toBe(true);
    // Facts and opinion never share a message.
    expect(replies.some((c) => c.includes('**Reported facts**') && c.includes('**Opinion'))).toBe(false);
    const sent = h.fake.requestsTo(parentPost('general'))[0]!.body as Json;
    expect(sent).toMatchObject({ enforce_nonce: true, allowed_mentions: { parse: [] } });
    expect(String(sent.nonce).length).toBeLessThanOrEqual(25);

    // More coverage: the wire copy from a third outlet.
    await follow('general', [...twoOutlets(), feeds.url('/wire2.xml')]);
    const threadBefore = h.fake.messages(thread!.id).length;
    await h.app.pollOnce(true);
    expect(storyParents('general').map((m) => m.id)).toEqual([parent!.id]);
    const update = h.fake.messages(thread!.id).slice(threadBefore);
    expect(update.length).toBeGreaterThanOrEqual(1);
    expect(update[0]!.content).toMatch(/^\*\*\+1 source:\*\* Second Wire/);
    expect(h.fake.message(parent!.id)!.edits).toHaveLength(1);
    expect(embedOf(h.fake.message(parent!.id)!).description).toMatch(/3 outlets/);
    expect(embedOf(h.fake.message(parent!.id)!).footer?.text).toBe(embedOf(parent!).footer?.text);

    // The other seeds: by the spec the same story, so they go into the same thread too.
    await follow('general', [...twoOutlets(), feeds.url('/wire2.xml'), ...allSeeds()]);
    await h.app.pollOnce(true);
    expect(storyParents('general').map((m) => m.id)).toEqual([parent!.id]);
    expect(h.fake.threads(idOf('general'))).toHaveLength(1);
  });

  it('an update cut off by a crash after its reply went out is not replied twice after a long outage', async () => {
    const { thread, threadBefore, parentId, replied } = await cutOffUpdate(feeds.url('/wire2.xml'));
    expect(replied[0]!.content).toMatch(/^\*\*\+1 source:\*\* Second Wire/);

    // Much later, with the nonces long forgotten and one more outlet in, the next pass finishes the update
    // without replying again, then sends the newcomer as an update of its own.
    h.fake.forgetNonces();
    await follow('general', [...twoOutlets(), feeds.url('/wire2.xml'), seedUrl(3)]);
    await h.app.pollOnce(true);
    const after = h.fake.messages(thread.id).slice(threadBefore);
    expect(after.slice(0, replied.length).map((m) => m.content)).toEqual(replied.map((m) => m.content));
    expect(after.filter((m) => /^\*\*\+1 source:\*\* Second Wire/.test(m.content))).toHaveLength(1);
    expect(after[replied.length]!.content).toMatch(/^\*\*\+1 source:\*\* Morning Wire/);
    expect(embedOf(h.fake.message(parentId)!).description).toMatch(/4 outlets/);
  });

  it('an update cut off by a crash is not replied twice when later coverage recounts its facts', async () => {
    const { thread, threadBefore, parentId, replied } = await cutOffUpdate(seedUrl(3));
    expect(replied.map((m) => m.content)).toEqual([
      expect.stringMatching(/^\*\*\+1 source:\*\* Morning Wire\n.*\(2 outlets: /),
    ]);

    // While the worker is down, Second Wire reports the same quote: the fact now counts three outlets.
    h.fake.forgetNonces();
    await follow('general', [...twoOutlets(), seedUrl(3), feeds.url('/wire2.xml')]);
    await h.app.pollOnce(true);
    const after = h.fake.messages(thread.id).slice(threadBefore);
    expect(after.filter((m) => m.content.includes('Morning Wire'))).toHaveLength(1);
    expect(after[0]!.content).toBe(replied[0]!.content);
    expect(after[1]!.content).toMatch(/^\*\*\+1 source:\*\* Second Wire/);
    expect(after).toHaveLength(2);
    expect(embedOf(h.fake.message(parentId)!).description).toMatch(/4 outlets/);
  });

  it('the five seed feeds become one story: one parent with five outlets and one thread', async () => {
    await follow('general', allSeeds());
    await h.app.pollOnce(true);
    const posted = storyParents('general');
    expect(posted).toHaveLength(1);
    expect(embedOf(posted[0]!).description).toMatch(/5 outlets/);
    expect(h.fake.threads(idOf('general')).map((t) => t.id)).toEqual([posted[0]!.id]);
  });

  it('gives a forum channel one forum post per story, with the digest replies and updates inside', async () => {
    const reply = await run('subscribe', 'news-forum', [opt.string('feed', seedUrl(0))]);
    expect(reply.content).toContain('Subscribed');
    expect((await h.app.channels.get(keyOf('news-forum')))?.kind).toBe('forum');
    await follow('news-forum', twoOutlets());
    await h.app.pollOnce(true);

    const posts = h.fake.threads(idOf('news-forum'));
    expect(posts).toHaveLength(postable(2).length);
    expect(posts).toHaveLength(1);
    const [starter, ...replies] = h.fake.messages(posts[0]!.id);
    expect(starter).toMatchObject({ id: posts[0]!.id, source: 'forum-starter' });
    expect(embedOf(starter!).title).toBe(posts[0]!.name);
    expect(replies.some((m) => m.content.startsWith('**Reported facts**'))).toBe(true);
    expect(h.fake.requestsTo(parentPost('news-forum'))).toHaveLength(0);

    // A command given inside the forum post configures the forum itself.
    const inPost = await run('subscriptions', posts[0]!.id);
    expect(inPost.content).toMatch(new RegExp(`^For <#${idOf('news-forum')}>:\nFeeds \\(2\\):`));

    await follow('news-forum', [...twoOutlets(), feeds.url('/wire2.xml')]);
    await h.app.pollOnce(true);
    expect(h.fake.threads(idOf('news-forum'))).toHaveLength(1);
    expect(h.fake.messages(posts[0]!.id).at(-1)?.content).toMatch(/Second Wire/);
    expect(h.fake.message(posts[0]!.id)!.edits).toHaveLength(1);
  });

  it('escapes markdown and mass mentions from feeds; nothing pings', async () => {
    await follow('general', [feeds.url('/loud.xml')], 1);
    await h.app.pollOnce(true);
    const [parent] = storyParents('general');
    const embed = embedOf(parent!);
    expect(embed.title).toContain('@\u200beveryone');
    expect(embed.title).toContain('\\*\\*Breaking\\*\\*');
    expect(embed.title).toContain('\\[click\\]');
    expect(embed.title).not.toMatch(/(^|[^\\])<@/);
    const thread = h.fake.threads(idOf('general'))[0]!;
    expect(thread.name).toContain('@\u200beveryone');
    for (const m of [parent!, ...h.fake.messages(thread.id)]) {
      expect(h.fake.mentionsOf(m)).toEqual({ users: [], roles: [], everyone: false });
      expect(m.content).not.toMatch(/(^|[^\u200b])@(everyone|here)/);
    }
  });
});

describe('faults', () => {
  it('a post cut off before it was recorded is completed after a restart, with what came in since as an update', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'threadline-restart-'));
    const config = parseConfig({
      store: `sqlite://${join(dir, 'state.sqlite')}`,
      fetch: { allowPrivate: ['127.0.0.1'] },
      // The seed reports are dated August 2025: first posts here have no age limit.
      updates: { maxStoryAgeHours: 0 },
      sinks: { console: { enabled: false } },
    });
    // A worker as `threadline start` runs one: the App is rebuilt before Discord connects.
    const startWorker = async () => {
      const bot = createDiscordBot({
        secrets: { discordToken: h.fake.token, discordApiUrl: h.fake.restUrl },
        config,
        logger: pino({ level: 'silent' }),
      });
      const app = new App(config, { logger: pino({ level: 'silent' }), adapters: [bot.adapter] });
      await app.init();
      bot.attach(app);
      await bot.start();
      return { app, bot };
    };
    try {
      const first = await startWorker();
      const channel = await first.app.channels.getOrCreate('discord', guildId(), idOf('general'));
      await first.app.channels.save({ ...channel, feeds: twoOutlets().map((url) => ({ url })) });
      // The worker dies right after the post went out in full, before it recorded the post as done.
      type DeliveryRecord = { ref?: unknown; pending?: unknown };
      const records = first.app.store.ns<DeliveryRecord>('deliveries');
      const write = records.set.bind(records);
      records.set = (async (key: string, value: DeliveryRecord, ttl?: number) => {
        if (value?.ref && !value.pending) throw new Error('killed');
        return write(key, value, ttl);
      }) as typeof records.set;
      await first.app.pollOnce(true);
      await first.bot.stop();
      await first.app.stop();
      const [parent] = storyParents('general');
      const thread = h.fake.threads(idOf('general'))[0]!;
      const replies = h.fake.messages(thread.id).length;
      expect(embedOf(parent!).description).toMatch(/2 outlets/);

      // Meanwhile a third outlet reports the story.
      const second = await startWorker();
      const saved = (await second.app.channels.get(channel.key))!;
      await second.app.channels.save({ ...saved, feeds: [...saved.feeds, { url: feeds.url('/wire2.xml') }] });
      await second.app.pollOnce(true);
      await second.bot.stop();
      await second.app.stop();
      expect(storyParents('general')).toHaveLength(1);
      const after = h.fake.messages(thread.id);
      expect(after).toHaveLength(replies + 1);
      expect(after.at(-1)!.content).toContain('Second Wire');
      expect(embedOf(h.fake.messages('general').find((m) => m.id === parent!.id)!).description).toMatch(
        /3 outlets/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives a 429 with retry_after and a 500 on the parent post with exactly one parent', async () => {
    await follow('general', twoOutlets());
    const limited = h.fake.failNext(parentPost('general'), { status: 429, retryAfter: 0.05 });
    const failed = h.fake.failNext(parentPost('general'), { status: 500 });
    await h.app.pollOnce(true);
    expect(limited.hits).toBe(1);
    expect(failed.hits).toBe(1);
    expect(h.fake.requestsTo(parentPost('general')).map((r) => r.status)).toEqual([429, 500, 200]);
    expect(storyParents('general')).toHaveLength(1);
    expect(h.fake.threads(idOf('general'))).toHaveLength(1);
  });

  it('a lost response on the parent (500 after commit) still leaves exactly one parent, by nonce', async () => {
    await follow('general', twoOutlets());
    h.fake.failAfterCommit(parentPost('general'));
    await h.app.pollOnce(true);
    expect(h.fake.requestsTo(parentPost('general')).map((r) => r.note ?? r.status)).toEqual([
      500,
      'nonce-replay',
    ]);
    expect(storyParents('general')).toHaveLength(1);
    expect(h.fake.threads(idOf('general'))).toHaveLength(1);
  });

  it('a thread the crash came before is started later under the headline as written, not as escaped', async () => {
    await follow('general', [feeds.url('/loud.xml')], 1);
    const threadStart = 'POST /channels/:id/messages/:id/threads';
    h.fake.failNext(threadStart, { status: 500, times: 10 });
    await h.app.pollOnce(true).catch(() => {});
    expect(storyParents('general')).toHaveLength(1);
    expect(h.fake.threads(idOf('general'))).toHaveLength(0);
    h.fake.clearFaults();
    await h.app.pollOnce(true);
    expect(storyParents('general')).toHaveLength(1);
    const [thread] = h.fake.threads(idOf('general'));
    expect(thread!.name).toMatch(
      /^@\u200beveryone \*\*Breaking\*\*: <@123456789012345678> wins _everything_/,
    );
    expect(h.fake.messages(thread!.id).length).toBeGreaterThan(0);
  });

  it('a lost response on a forum post is found again instead of posting twice', async () => {
    await follow('news-forum', twoOutlets());
    h.fake.failAfterCommit(`POST /channels/${idOf('news-forum')}/threads`);
    await h.app.pollOnce(true);
    expect(h.fake.threads(idOf('news-forum'))).toHaveLength(1);
    expect(h.fake.requestsTo(`POST /channels/${idOf('news-forum')}/threads`)).toHaveLength(1);
  });

  it('recover finds a story posted before a crash by its footer reference, in channels and forums', async () => {
    for (const channel of await textAndForum()) {
      const key = `${channel.key}|st-7f3a91|post`;
      const ref = await h.bot.adapter.postStory(channel, storyDigest(), key);
      const inThread = h.fake.messages(ref.threadId!).length;
      // A found story is handed back to postStory to complete, which here has nothing left to send.
      expect(await h.bot.adapter.recover(channel, key)).toBeUndefined();
      expect(await h.bot.adapter.postStory(channel, storyDigest(), key)).toEqual(ref);
      expect(h.fake.messages(ref.threadId!)).toHaveLength(inThread);
      expect(await h.bot.adapter.recover(channel, `${channel.key}|other|post`)).toBeUndefined();
    }
  });

  it('recover finds a notice by its text in channels and forums, since fetched messages carry no nonce', async () => {
    for (const channel of await textAndForum()) {
      const key = `${channel.key}|daily-2025-08-18|header`;
      const text = 'Daily digest for 2025-08-18: 3 top stories';
      const since = Date.now();
      const ref = await h.bot.adapter.postNotice(channel, text, key);
      h.fake.forgetNonces();
      expect(await h.bot.adapter.recover(channel, key, since, text)).toEqual(ref);
      expect(
        await h.bot.adapter.recover(channel, key, since, 'Daily digest for 2025-08-19: 1 top story'),
      ).toBe(undefined);
    }
  });

  it('recover searches everything posted since the story was started, however busy the channel was', async () => {
    const channel = await h.app.channels.getOrCreate('discord', guildId(), idOf('general'));
    const key = `${channel.key}|st-busy|post`;
    const since = Date.now();
    const ref = await h.bot.adapter.postStory(channel, storyDigest(), key);
    // More chatter than the latest page of messages holds.
    for (let i = 0; i < 230; i++) h.fake.addUserMessage('general', `chat ${i}`);
    const inChannel = h.fake.messages(idOf('general')).length;
    const before = h.fake.requests.length;
    // A found story is handed back to postStory to complete, which here has nothing left to send.
    expect(await h.bot.adapter.recover(channel, key, since)).toBeUndefined();
    const pages = h.fake.requests
      .slice(before)
      .filter((r) => r.method === 'GET' && r.path === `/channels/${idOf('general')}/messages`);
    // The search starts at the story's start time, so the oldest page after it holds the story.
    expect(pages).toHaveLength(1);
    expect(pages[0]!.query.after).toBeDefined();
    expect(await h.bot.adapter.postStory(channel, storyDigest(), key)).toEqual(ref);
    expect(h.fake.messages(idOf('general'))).toHaveLength(inChannel);
  });

  it('a story cut off partway through its thread replies is completed on the next pass, each reply once', async () => {
    await follow('general', twoOutlets());
    let threadPosts = 0;
    const inThread = (r: { method: string; path: string }) =>
      r.method === 'POST' &&
      /^\/channels\/\d+\/messages$/.test(r.path) &&
      r.path !== `/channels/${idOf('general')}/messages`;
    // The second reply is refused with an error no retry fixes, as if the worker died there.
    const cut = h.fake.failNext((r) => inThread(r) && ++threadPosts === 2, { status: 400, code: 50035 });
    await h.app.pollOnce(true);
    expect(cut.hits).toBe(1);
    const [parent] = storyParents('general');
    const thread = h.fake.threads(idOf('general'))[0]!;
    expect(h.fake.messages(thread.id)).toHaveLength(1);

    await h.app.pollOnce(true);
    const story = h.app.engine.stories().find((s) => (h.app.engine.digest(s.id)?.outletCount ?? 0) >= 2)!;
    const expected = renderDiscordStory(h.app.engine.digest(story.id)!).replies;
    expect(expected.length).toBeGreaterThan(1);
    expect(storyParents('general')).toEqual([parent]);
    expect(h.fake.threads(idOf('general'))).toHaveLength(1);
    const replies = h.fake.messages(thread.id);
    expect(replies.map((m) => m.content)).toEqual(expected.map((p) => p.content ?? ''));
  });

  it('completes a post cut short mid-thread with the replies it was sending, though new coverage recounted its facts', async () => {
    // A story whose facts just fit one message, until a new outlet corroborates each of them.
    const recounted = (d: StoryDigest): StoryDigest => ({
      ...d,
      facts: d.facts.map((f) => ({ ...f, sources: [...f.sources, 'Southport Herald'], count: f.count + 1 })),
      coverage: [
        ...d.coverage,
        {
          source: 'Southport Herald',
          title: 'Load tests on Eastbrook bridge to begin Thursday',
          url: 'https://southportherald.example/load-tests',
          publishedAt: '2025-03-13T11:20:00.000Z',
          itemId: 'sh-1',
        },
      ],
      outletCount: d.outletCount + 1,
    });
    const factMessages = (d: StoryDigest) =>
      renderDiscordStory(d).replies.filter((r) => r.content?.startsWith('**Reported facts**')).length;
    let before: StoryDigest | undefined;
    for (let words = 1; words < 400 && !before; words++) {
      const d = storyDigest();
      d.facts[0] = { ...d.facts[0]!, text: `${d.facts[0]!.text} ${'padding '.repeat(words).trim()}` };
      if (factMessages(d) === 1 && factMessages(recounted(d)) === 2) before = d;
    }
    if (!before) throw new Error('no fact length found that the recount splits');
    const channel = await h.app.channels.getOrCreate('discord', guildId(), idOf('general'));
    const store = openStore('memory://');
    const sink = new ChannelSink(channel, h.bot.adapter, new ChannelStore(store));
    const deliverer = new Deliverer(store);

    // The third thread reply is refused, as if the worker died there: the facts and opinion went out.
    let replies = 0;
    h.fake.failNext(
      (r) =>
        r.method === 'POST' &&
        /^\/channels\/\d+\/messages$/.test(r.path) &&
        r.path !== `/channels/${channel.channelId}/messages` &&
        ++replies === 3,
      { status: 400, code: 50035 },
    );
    await expect(deliverer.deliver(sink, before)).rejects.toThrow();
    const thread = h.fake.threads(channel.channelId)[0]!;
    expect(h.fake.messages(thread.id)).toHaveLength(2);

    await deliverer.deliver(sink, recounted(before));
    const heads = h.fake.messages(thread.id).map((m) => m.content.split('\n')[0]!.replace(/ · .*$/, ''));
    // Each section once, then the new outlet as an update.
    expect(heads.slice(0, 3)).toEqual(['**Reported facts**', '**Opinion & analysis**', '**Coverage**']);
    expect(heads.filter((x) => x === '**Opinion & analysis**')).toHaveLength(1);
    expect(
      h.fake
        .messages(thread.id)
        .slice(3)
        .map((m) => m.content)
        .join('\n'),
    ).toContain('Southport Herald');
  });

  it('skips an update whose thread was deleted, without pausing the channel', async () => {
    const channel = await h.app.channels.getOrCreate('discord', guildId(), idOf('general'));
    await h.app.channels.save(channel);
    const ref = await h.bot.adapter.postStory(channel, storyDigest(), `${channel.key}|st|post`);
    h.fake.failNext(`POST /channels/${ref.threadId}/messages`, { status: 404, code: 10003 });
    await h.bot.adapter.updateStory(channel, ref, storyUpdate(), `${channel.key}|st|update-1`);
    expect((await h.app.channels.get(channel.key))?.paused).toBeUndefined();
    expect(h.logs.filter((l) => l.level === 40)).toEqual([]);
  });

  for (const [status, code, reason] of [
    [403, 50013, /Missing Permissions/],
    [404, 10003, /deleted/],
  ] as const) {
    it(`${code} pauses the channel, reports it once and does not retry`, async () => {
      await follow('general', twoOutlets());
      h.fake.failNext(parentPost('general'), { status, code });
      await h.app.pollOnce(true);
      const paused = await h.app.channels.get(keyOf('general'));
      expect(paused?.paused?.reason).toMatch(reason);
      const warned = h.logs.filter((l) => l.level === 40 && l.channel === keyOf('general'));
      expect(warned).toHaveLength(1);
      expect(warned[0]!.reason).toMatch(reason);

      // New coverage arrives: the paused channel is not tried again.
      const requests = h.fake.requests.length;
      await follow('general', [...twoOutlets(), feeds.url('/wire2.xml')]);
      await h.app.pollOnce(true);
      await h.app.dailyTick();
      expect(h.fake.requests.slice(requests).filter((r) => r.path.startsWith('/channels/'))).toEqual([]);
      expect(h.logs.filter((l) => l.level === 40 && l.channel === keyOf('general'))).toHaveLength(1);
      expect(storyParents('general')).toHaveLength(0);

      const list = await run('subscriptions', 'general');
      expect(list.content).toMatch(/Deliveries are paused: .*(Missing Permissions|deleted)/);
    });
  }
});

describe('/story', () => {
  it('answers /story ukraine with the seed story digest, facts and opinion apart, and autocompletes headlines', async () => {
    await follow('general', [...allSeeds(), feeds.url('/wire.xml')]);
    await h.app.pollOnce(true);
    // The pass indexed its stories: the first search reads none of them while the user waits.
    expect(h.app.commands.indexedStories).toBe(h.app.engine.stories().length);
    expect(h.app.commands.indexedStories).toBeGreaterThan(0);
    const expected = new ChannelCommands(h.app.channels, h.app.engine, h.app.config.fetch).story('ukraine');
    if (!('digest' in expected)) throw new Error(expected.error);
    const digest = expected.digest;

    const handle = h.fake.sendInteraction({
      command: 'story',
      channel: 'general',
      options: [opt.string('query', 'ukraine')],
      permissions: MEMBER,
    });
    // Acknowledged before the digest is built (Discord waits 3 s), publicly, as the story will be seen.
    expect(await handle.response()).toMatchObject({ type: 5, data: {} });
    const reply = await handle.reply();
    expect(reply.ephemeral).toBe(false);
    expect(embedOf(reply).title).toBe(digest.headline);
    expect(embedOf(reply).footer?.text).toContain(digest.id);
    const sections = await Promise.all(renderDiscordStory(digest).replies.map((_, n) => handle.followUp(n)));
    const heads = sections.map((m) => m.content.split('\n')[0]!.replace(/ · .*$/, ''));
    expect(heads[0]).toBe('**Reported facts**');
    // Facts first, then opinion (when the digest has any), then coverage; never two kinds in one message.
    const order = heads.filter((x, n) => x !== heads[n - 1]);
    expect(order).toEqual([
      '**Reported facts**',
      ...(digest.opinion.length ? ['**Opinion & analysis**'] : []),
      '**Coverage**',
    ]);
    expect(sections.every((m) => !m.ephemeral)).toBe(true);

    const completing = h.fake.sendInteraction({
      kind: 'autocomplete',
      command: 'story',
      channel: 'general',
      options: [opt.string('query', 'ukraine', true)],
      permissions: MEMBER,
    });
    const choices = await completing.choices();
    expect(choices.map((c) => c.name)).toContain(digest.headline.slice(0, 100));

    // A word still being typed matches recent headlines by text.
    const word = digest.headline.split(/\s+/).sort((a, b) => b.length - a.length)[0]!;
    const partial = h.fake.sendInteraction({
      kind: 'autocomplete',
      command: 'story',
      channel: 'general',
      options: [opt.string('query', word.slice(0, -2).toLowerCase(), true)],
      permissions: MEMBER,
    });
    expect((await partial.choices()).map((c) => c.name)).toContain(digest.headline.slice(0, 100));

    const privately = h.fake.sendInteraction({
      command: 'story',
      channel: 'general',
      options: [opt.string('query', 'zelensky'), opt.boolean('private', true)],
      permissions: MEMBER,
    });
    expect(await privately.response()).toMatchObject({ type: 5, data: { flags: 64 } });
    expect((await privately.reply()).ephemeral).toBe(true);
    expect((await privately.followUp(0)).ephemeral).toBe(true);

    // No match: answered at once, and only to the one who asked.
    const missing = h.fake.sendInteraction({
      command: 'story',
      channel: 'general',
      options: [opt.string('query', 'volcano eruption iceland')],
      permissions: MEMBER,
    });
    expect((await missing.response()).type).toBe(4);
    const none = await missing.reply();
    expect(none.ephemeral).toBe(true);
    expect(none.content).toMatch(/no recent story matches/);
  });
});

describe('/story while the stories change', () => {
  it('answers with the story it found, though a pass drops that story while the answer is being acknowledged', async () => {
    const now = Date.now();
    await h.app.engine.ingest([
      {
        id: 'solo-1',
        title: 'Zorblax recalls Quibbit phones over battery fires',
        source: 'Solo Wire',
        publishedAt: new Date(now).toISOString(),
      },
    ]);
    const held = h.fake.holdNext('POST /interactions/:id/:token/callback');
    const handle = h.fake.sendInteraction({
      command: 'story',
      channel: 'general',
      options: [opt.string('query', 'zorblax quibbit')],
      permissions: MEMBER,
    });
    await held.reached;
    // Meanwhile a pass takes in news four days on: the story of one outlet goes cold and is not kept.
    await h.app.engine.ingest([
      {
        id: 'later-1',
        title: 'Volcano erupts near Reykjavik, flights grounded',
        source: 'Other Wire',
        publishedAt: new Date(now + 4 * 86_400_000).toISOString(),
      },
    ]);
    expect(h.app.commands.findStory('zorblax quibbit')).toMatchObject({ error: /no recent story matches/ });
    held.release();
    expect(await handle.response()).toMatchObject({ type: 5, data: {} });
    const reply = await handle.reply();
    expect(reply.ephemeral).toBe(false);
    expect(embedOf(reply).title).toBe('Zorblax recalls Quibbit phones over battery fires');
  });
});

describe('daily digest', () => {
  it('posts a header and one thread per top story at the channel time in its zone', async () => {
    await follow('announcements', [...allSeeds(), feeds.url('/wire.xml')]);
    // Daily digests are turned on the day before the seed stories, after that day's 08:00.
    h.clock.now = new Date('2025-08-17T12:00:00Z');
    const reply = await run('digest', 'announcements', [
      opt.string('time', '08:00'),
      opt.string('timezone', 'Europe/Berlin'),
      opt.string('mode', 'daily'),
    ]);
    expect(reply.content).toContain('a daily digest at 08:00 Europe/Berlin');
    const channel = (await h.app.channels.get(keyOf('announcements')))!;
    expect(channel.dailySince).toBe('2025-08-17T12:00:00.000Z');

    h.clock.now = new Date('2025-08-18T05:59:00Z');
    await h.app.pollOnce(true);
    expect(parents('announcements')).toHaveLength(0);
    expect(await h.app.dailyTick()).toBe(0);

    // 08:00 in Berlin (CEST) is 06:00 UTC.
    h.clock.now = new Date('2025-08-18T06:00:30Z');
    expect(await h.app.dailyTick()).toBe(1);
    const top = h.app.daily.pick(channel, new Date('2025-08-18T06:00:00Z'));
    expect(top.length).toBeGreaterThanOrEqual(1);
    const [header, ...stories] = parents('announcements');
    expect(header!.content).toBe(
      `Daily digest for 2025-08-18: ${top.length} top ${top.length === 1 ? 'story' : 'stories'}`,
    );
    expect(stories.map((m) => embedOf(m).title)).toEqual(top.map((d) => d.headline));
    expect(h.fake.threads(idOf('announcements')).map((t) => t.id)).toEqual(stories.map((m) => m.id));

    expect(await h.app.dailyTick()).toBe(0);
    expect(parents('announcements')).toHaveLength(1 + top.length);
  });

  it('a header posted just before a crash is found again after a long outage, not posted twice', async () => {
    await follow('announcements', allSeeds());
    h.clock.now = new Date('2025-08-17T09:00:00Z');
    await run('digest', 'announcements', [
      opt.string('time', '08:00'),
      opt.string('timezone', 'UTC'),
      opt.string('mode', 'daily'),
    ]);
    const channel = (await h.app.channels.get(keyOf('announcements')))!;
    await h.app.channels.save({ ...channel, lastDigestAt: '2025-08-17T08:00:00.000Z' });
    h.clock.now = new Date('2025-08-18T07:00:00Z');
    await h.app.pollOnce(true);

    // The header is posted, then the worker dies before it records that (no retry fixes a 403 here).
    const cut = h.fake.failNext((r) => parentPost('announcements')(r), {
      status: 403,
      code: 50013,
      afterCommit: true,
    });
    h.clock.now = new Date('2025-08-18T08:00:30Z');
    await h.app.dailyTick().catch(() => 0);
    expect(cut.hits).toBe(1);
    expect(parents('announcements').map((m) => m.content)).toEqual([
      expect.stringMatching(/^Daily digest for 2025-08-18/),
    ]);

    // Hours later: the nonce is long forgotten, and fetched messages never carry one anyway.
    await h.app.channels.save({ ...(await h.app.channels.get(keyOf('announcements')))!, paused: undefined });
    h.fake.forgetNonces();
    h.clock.now = new Date('2025-08-18T11:00:00Z');
    await h.app.dailyTick();
    const [header, ...stories] = parents('announcements');
    expect(header!.content).toMatch(/^Daily digest for 2025-08-18/);
    expect(stories.length).toBeGreaterThanOrEqual(1);
    expect(stories.every((m) => m.embeds.length > 0)).toBe(true);
  });
});
