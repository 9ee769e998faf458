import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ChannelCommands } from '../../src/deliver/channel-commands.js';
import { ChannelStore } from '../../src/deliver/channels.js';
import { DailyDigests, dueSlot } from '../../src/deliver/daily.js';
import { Deliverer } from '../../src/deliver/deliverer.js';
import { PlatformError } from '../../src/deliver/platform.js';
import { lastOccurrence, localDate } from '../../src/deliver/zoned-time.js';
import { silentLogger } from '../../src/log.js';
import type { Item } from '../../src/model.js';
import { StoryEngine } from '../../src/pipeline/engine.js';
import { openStore } from '../../src/store/index.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';

const FEED = 'https://wire.example/rss';

function item(id: string, title: string, source: string, publishedAt: string): Item {
  return { id, title, source, publishedAt, feedUrl: FEED, description: title };
}

async function setup() {
  const store = openStore('memory://');
  const channels = new ChannelStore(store);
  // When the worker takes items in; the digest window goes by it.
  const clock = { now: new Date('2026-01-15T02:00:00Z') };
  const engine = new StoryEngine({ store, sinks: () => [], logger: silentLogger, now: () => clock.now });
  await engine.init();
  await engine.ingest([
    item('a1', 'Volcano erupts in Iceland, flights grounded', 'Wire A', '2026-01-14T20:00:00Z'),
    item('a2', 'Iceland volcano erupts, flights grounded', 'Wire B', '2026-01-14T21:00:00Z'),
    item('a3', 'Iceland volcano eruption grounds flights', 'Wire C', '2026-01-14T22:00:00Z'),
    item('b1', 'Central bank raises interest rates', 'Wire A', '2026-01-14T23:00:00Z'),
    item('b2', 'Central bank raises interest rates again', 'Wire B', '2026-01-15T01:00:00Z'),
  ]);
  const channel = await channels.getOrCreate('discord', 'g1', 'c1');
  Object.assign(channel, {
    feeds: [{ url: FEED }],
    mode: 'daily',
    digestTime: '08:00',
    timezone: 'Europe/Berlin',
    lastDigestAt: '2026-01-14T07:00:00.000Z',
  });
  await channels.save(channel);
  const adapter = new RecordingAdapter();
  const daily = new DailyDigests({
    channels,
    deliverer: new Deliverer(store),
    stories: engine,
    adapter: () => adapter,
    logger: silentLogger,
  });
  return { channels, adapter, daily, engine, clock };
}

/**
 * A strike reported on the evening of 21 January is the one story of the next morning's digest, for a channel
 * set up by `setup` whose daily digests run again from that afternoon.
 */
async function expectOnlyNewsOfTheEvening({
  adapter,
  daily,
  engine,
  clock,
}: Pick<Awaited<ReturnType<typeof setup>>, 'adapter' | 'daily' | 'engine' | 'clock'>): Promise<void> {
  clock.now = new Date('2026-01-21T18:00:00Z');
  await engine.ingest([
    item('e1', 'Dockworkers strike closes Hamburg port', 'Wire A', '2026-01-21T17:50:00Z'),
    item('e2', 'Striking dockworkers close the port of Hamburg', 'Wire B', '2026-01-21T17:55:00Z'),
  ]);
  expect(await daily.tick(new Date('2026-01-22T07:00:00Z'))).toBe(1);
  expect(adapter.stories.map((s) => s.headline)).toEqual([expect.stringMatching(/hamburg/i)]);
}

describe('daily digests', () => {
  it('is due once per local day, at the channel time in its zone', async () => {
    const { channels } = await setup();
    const channel = (await channels.get('discord:g1:c1'))!;
    // 08:00 in Berlin is 07:00 UTC in January.
    expect(dueSlot(channel, new Date('2026-01-15T06:59:00Z'))).toBeUndefined();
    expect(dueSlot(channel, new Date('2026-01-15T07:00:00Z'))?.toISOString()).toBe(
      '2026-01-15T07:00:00.000Z',
    );
    expect(dueSlot({ ...channel, mode: 'realtime' }, new Date('2026-01-15T07:00:00Z'))).toBeUndefined();
  });

  it("sends one digest per local day when the digest time is moved after the day's digest went out", async () => {
    const { channels } = await setup();
    const channel = { ...(await channels.get('discord:g1:c1'))!, lastDigestAt: '2026-01-15T07:00:00.000Z' };
    const moved = { ...channel, digestTime: '18:00' };
    expect(dueSlot(moved, new Date('2026-01-15T17:30:00Z'))).toBeUndefined();
    expect(dueSlot(moved, new Date('2026-01-16T17:00:00Z'))?.toISOString()).toBe('2026-01-16T17:00:00.000Z');
    // Moved earlier, the next digest is the next day's too.
    expect(dueSlot({ ...channel, digestTime: '06:00' }, new Date('2026-01-15T12:00:00Z'))).toBeUndefined();
  });

  it('posts a header and one thread per top story, broadest first, and not again at the next tick', async () => {
    const { adapter, daily, channels } = await setup();
    expect(await daily.tick(new Date('2026-01-15T06:59:00Z'))).toBe(0);
    expect(await daily.tick(new Date('2026-01-15T07:00:30Z'))).toBe(1);
    expect(adapter.notices.map((n) => n.text)).toEqual(['Daily digest for 2026-01-15: 2 top stories']);
    expect(adapter.stories.map((s) => s.headline)).toHaveLength(2);
    expect(adapter.stories[0]!.headline).toMatch(/volcano/i);
    expect((await channels.get('discord:g1:c1'))?.lastDigestAt).toBe('2026-01-15T07:00:00.000Z');
    expect(await daily.tick(new Date('2026-01-15T07:01:00Z'))).toBe(0);
    expect(adapter.stories).toHaveLength(2);
  });

  it('puts a story polled just after a digest, though published before it, in the next digest', async () => {
    const { adapter, daily, engine, clock } = await setup();
    await daily.tick(new Date('2026-01-15T07:00:00Z'));
    expect(adapter.stories).toHaveLength(2);
    // Published at 06:50 UTC, ten minutes before the 08:00 Berlin digest; polled at 07:05, just after it.
    clock.now = new Date('2026-01-15T07:05:00Z');
    await engine.ingest([
      item('c1', 'Striking dockworkers close the port of Hamburg', 'Wire A', '2026-01-15T06:50:00Z'),
      item('c2', 'Dockworkers strike closes Hamburg port', 'Wire B', '2026-01-15T06:55:00Z'),
    ]);
    await daily.tick(new Date('2026-01-16T07:00:00Z'));
    const next = adapter.stories.slice(2).map((s) => s.headline);
    expect(next).toHaveLength(1);
    expect(next[0]).toMatch(/hamburg/i);
  });

  it("leaves out of the digest a story taken in since the last one but published days before, as a new feed's back catalogue is", async () => {
    const { adapter, channels, engine, clock } = await setup();
    // A feed followed overnight lists a story from four days ago, which two outlets carried.
    clock.now = new Date('2026-01-15T05:00:00Z');
    await engine.ingest([
      item('o1', 'Striking dockworkers close the port of Hamburg', 'Wire A', '2026-01-11T06:50:00Z'),
      item('o2', 'Dockworkers strike closes Hamburg port', 'Wire B', '2026-01-11T06:55:00Z'),
    ]);
    const headlines = async (maxStoryAgeMs?: number) => {
      const daily = new DailyDigests({
        channels,
        deliverer: new Deliverer(openStore('memory://')),
        stories: engine,
        adapter: () => adapter,
        logger: silentLogger,
        maxStoryAgeMs,
      });
      const channel = (await channels.get('discord:g1:c1'))!;
      return daily.pick(channel, new Date('2026-01-15T07:00:00Z')).map((d) => d.headline);
    };
    expect(await headlines()).toHaveLength(3);
    const picked = await headlines(86_400_000);
    expect(picked).toHaveLength(2);
    expect(picked.join(' ')).not.toMatch(/hamburg/i);
  });

  it('finishes an interrupted digest without repeating what was posted', async () => {
    const { adapter, daily } = await setup();
    adapter.failNext('post');
    // The first story fails; the header went out.
    await daily.tick(new Date('2026-01-15T07:00:00Z'));
    expect(adapter.notices).toHaveLength(1);
    expect(adapter.stories).toHaveLength(0);
    await daily.tick(new Date('2026-01-15T07:01:00Z'));
    expect(adapter.notices).toHaveLength(1);
    expect(adapter.stories).toHaveLength(2);
    expect(new Set(adapter.stories.map((s) => s.key)).size).toBe(2);
  });

  it('finishes an interrupted digest with the stories it picked, though one has new coverage since', async () => {
    const { adapter, daily, engine, clock } = await setup();
    adapter.failNext('post');
    await daily.tick(new Date('2026-01-15T07:00:00Z'));
    expect(adapter.notices.map((n) => n.text)).toEqual(['Daily digest for 2026-01-15: 2 top stories']);
    // A report on the volcano comes in before the retry: that story is now newer than the digest's slot.
    clock.now = new Date('2026-01-15T07:00:40Z');
    await engine.ingest([
      item('a4', 'Iceland volcano: flights grounded for a second day', 'Wire D', '2026-01-15T07:00:30Z'),
    ]);
    await daily.tick(new Date('2026-01-15T07:01:00Z'));
    expect(adapter.notices).toHaveLength(1);
    expect(adapter.stories).toHaveLength(2);
  });

  it('finishes a digest interrupted on an earlier day under its own header, before the day due now', async () => {
    const { adapter, daily, channels } = await setup();
    adapter.failNext('post');
    await daily.tick(new Date('2026-01-15T07:00:00Z'));
    expect(adapter.stories).toHaveLength(0);
    // The worker is down until two days later.
    await daily.tick(new Date('2026-01-17T09:00:00Z'));
    expect(adapter.notices.map((n) => n.text)).toEqual(['Daily digest for 2026-01-15: 2 top stories']);
    expect(adapter.stories).toHaveLength(2);
    expect(adapter.stories.every((s) => s.key.includes('daily-2026-01-15'))).toBe(true);
    expect(await channels.get('discord:g1:c1')).toMatchObject({ lastDigestAt: '2026-01-17T07:00:00.000Z' });
    expect((await channels.get('discord:g1:c1'))?.digestUnderway).toBeUndefined();
  });

  it('covers everything since daily digests were turned on in the first digest, however late it goes out', async () => {
    const { adapter, daily, channels } = await setup();
    const channel = (await channels.get('discord:g1:c1'))!;
    // Turned on the evening before the stories; the worker is down until the day after the first slot.
    await channels.save({ ...channel, lastDigestAt: undefined, dailySince: '2026-01-14T18:00:00.000Z' });
    expect(await daily.tick(new Date('2026-01-16T09:00:00Z'))).toBe(1);
    expect(adapter.notices.map((n) => n.text)).toEqual(['Daily digest for 2026-01-16: 2 top stories']);
  });

  it('gives a digest its own header when a move to another time zone repeats the local date', async () => {
    const { adapter, daily, channels, engine, clock } = await setup();
    const tokyo = { ...(await channels.get('discord:g1:c1'))!, timezone: 'Asia/Tokyo' };
    await channels.save({ ...tokyo, lastDigestAt: '2026-01-14T23:00:00.000Z' });
    // 08:00 in Tokyo on the 16th is 23:00 UTC on the 15th.
    expect(await daily.tick(new Date('2026-01-15T23:00:00Z'))).toBe(1);
    expect(adapter.notices.map((n) => n.text)).toEqual(['Daily digest for 2026-01-16: 2 top stories']);
    const moved = (await channels.get('discord:g1:c1'))!;
    await channels.save({ ...moved, timezone: 'America/Los_Angeles' });
    clock.now = new Date('2026-01-16T05:00:00Z');
    await engine.ingest([
      item('c1', 'Striking dockworkers close the port of Hamburg', 'Wire A', '2026-01-16T04:50:00Z'),
      item('c2', 'Dockworkers strike closes Hamburg port', 'Wire B', '2026-01-16T04:55:00Z'),
    ]);
    // 08:00 in Los Angeles on the 16th: a new digest, with a header of its own. Its story fails once, and
    // the digest is finished at the next tick without a second header.
    adapter.failNext('post');
    expect(await daily.tick(new Date('2026-01-16T16:00:00Z'))).toBe(0);
    expect(adapter.notices).toHaveLength(2);
    expect(await daily.tick(new Date('2026-01-16T16:01:00Z'))).toBe(1);
    expect(adapter.notices.map((n) => n.text)).toEqual([
      'Daily digest for 2026-01-16: 2 top stories',
      'Daily digest for 2026-01-16: 1 top story',
    ]);
    expect(adapter.stories.map((s) => s.headline)).toHaveLength(3);
    expect(adapter.stories[2]!.headline).toMatch(/hamburg/i);
    expect(await daily.tick(new Date('2026-01-16T16:05:00Z'))).toBe(0);
    expect(adapter.notices).toHaveLength(2);
    expect((await channels.get('discord:g1:c1'))!.lastDigestKey).toBe(
      'daily-2026-01-16-2026-01-16T16:00:00.000Z',
    );
  });

  it('sends the first digest on the day daily digests are turned on, if the time is still ahead', async () => {
    const { adapter, daily, channels, engine, clock } = await setup();
    const commands = new ChannelCommands(channels, engine, parseConfig({}).fetch, () => clock.now);
    const ctx = { platform: 'discord' as const, workspaceId: 'g1', channelId: 'c2' };
    await channels.save({ ...(await channels.getOrCreate('discord', 'g1', 'c2')), feeds: [{ url: FEED }] });
    // 07:00 in Berlin, an hour before the chosen time.
    clock.now = new Date('2026-01-15T06:00:00Z');
    expect(
      await commands.setDigest(ctx, { time: '08:00', timezone: 'Europe/Berlin', mode: 'daily' }),
    ).toMatchObject({
      ok: true,
    });
    clock.now = new Date('2026-01-15T06:30:00Z');
    await engine.ingest([
      item('d1', 'Dockworkers strike closes Hamburg port', 'Wire A', '2026-01-15T06:20:00Z'),
      item('d2', 'Striking dockworkers close the port of Hamburg', 'Wire B', '2026-01-15T06:25:00Z'),
    ]);
    await channels.save({ ...(await channels.get('discord:g1:c1'))!, mode: 'realtime' });
    expect(await daily.tick(new Date('2026-01-15T06:59:00Z'))).toBe(0);
    expect(await daily.tick(new Date('2026-01-15T07:00:30Z'))).toBe(1);
    // Only what arrived after the digest was turned on: the night's volcano and bank stories are not in it.
    expect(adapter.stories.map((s) => s.headline)).toEqual([expect.stringMatching(/hamburg/i)]);
  });

  it('does not send a slot that passed before daily digests were turned back on, nor cover the time off', async () => {
    const { adapter, daily, channels, engine, clock } = await setup();
    const commands = new ChannelCommands(channels, engine, parseConfig({}).fetch, () => clock.now);
    const ctx = { platform: 'discord' as const, workspaceId: 'g1', channelId: 'c1' };
    // Daily digests were on until a week ago (the last one on 14 January), then realtime.
    clock.now = new Date('2026-01-14T12:00:00Z');
    await commands.setDigest(ctx, { mode: 'realtime' });
    // Back on at 16:00 Berlin: today's 08:00 slot is long gone and is not sent now.
    clock.now = new Date('2026-01-21T15:00:00Z');
    await commands.setDigest(ctx, { mode: 'daily' });
    expect(await daily.tick(new Date('2026-01-21T15:00:30Z'))).toBe(0);
    // The stories of the week it was off (the volcano, the bank) are not dragged in.
    await expectOnlyNewsOfTheEvening({ adapter, daily, engine, clock });
  });

  it('after a time following nothing, neither sends a passed slot at once nor covers the time in between', async () => {
    const { adapter, daily, channels, engine, clock } = await setup();
    const commands = new ChannelCommands(channels, engine, parseConfig({}).fetch, () => clock.now);
    const ctx = { platform: 'discord' as const, workspaceId: 'g1', channelId: 'c1' };
    // The channel drops its only feed a week ago (its last digest went out on 14 January)…
    clock.now = new Date('2026-01-14T12:00:00Z');
    expect(await commands.unsubscribe(ctx, FEED)).toMatchObject({ ok: true });
    // …and follows it again at 16:00 Berlin, long after today's 08:00.
    clock.now = new Date('2026-01-21T15:00:00Z');
    expect(await commands.subscribeTopic(ctx, 'dockworkers strike')).toMatchObject({ ok: true });
    expect(await daily.tick(new Date('2026-01-21T15:00:30Z'))).toBe(0);
    // The stories of the week it was off (the volcano, the bank) are not dragged in.
    await expectOnlyNewsOfTheEvening({ adapter, daily, engine, clock });
  });

  it('pauses the channel when the platform says it is gone, and stops trying', async () => {
    const { adapter, daily, channels } = await setup();
    adapter.failNext('post', 'gone');
    await daily.tick(new Date('2026-01-15T07:00:00Z'));
    expect((await channels.get('discord:g1:c1'))?.paused?.reason).toBe('post refused');
    expect(await daily.tick(new Date('2026-01-16T07:00:00Z'))).toBe(0);
    expect(adapter.stories).toHaveLength(0);
  });
});

describe('a digest time skipped at the end of a local day', () => {
  // Nuuk springs forward at 23:00 local on Saturday 2026-03-28 (-02 -> -01): 23:00-23:59 do not exist that day.
  it('keeps the slot on the same local day', () => {
    const slot = lastOccurrence(new Date('2026-03-29T03:00:00Z'), '23:30', 'America/Nuuk');
    // As far before the jump as 23:30 is past it: 22:30 on the 28th, not 00:30 on the 29th.
    expect(slot.toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(localDate(slot, 'America/Nuuk')).toBe('2026-03-28');
  });

  it('sends one digest on the 28th and one at 23:30 on the 29th', () => {
    const ch = {
      key: 'discord:g:c',
      platform: 'discord' as const,
      workspaceId: 'g',
      channelId: 'c',
      kind: 'text' as const,
      feeds: [],
      topics: [],
      minSources: 2,
      mode: 'daily' as const,
      digestTime: '23:30',
      timezone: 'America/Nuuk',
      lastDigestAt: '2026-03-28T01:30:00.000Z', // 23:30 on the 27th
    };
    const sentDates: string[] = [];
    let channel = { ...ch };
    for (let t = Date.parse('2026-03-28T02:00:00Z'); t <= Date.parse('2026-03-30T03:00:00Z'); t += 60_000) {
      const slot = dueSlot(channel, new Date(t));
      if (!slot) continue;
      sentDates.push(localDate(slot, channel.timezone));
      channel = { ...channel, lastDigestAt: slot.toISOString() };
    }

    expect(sentDates).toEqual(['2026-03-28', '2026-03-29']);
  });
});

describe('an interrupted digest resumed after a time zone change', () => {
  it('does not post a second header and the same stories again', async () => {
    const { channels, adapter, daily } = await setup();
    // The second story post of the first attempt fails (a transient platform error).
    let posts = 0;
    const postStory = adapter.postStory.bind(adapter);
    adapter.postStory = async (...args) => {
      if (++posts === 2) throw new PlatformError('post refused', 'transient');
      return postStory(...args);
    };
    // 08:00 Berlin on the 15th: the header and the first story go out, the second story's post fails.
    await daily.tick(new Date('2026-01-15T07:00:00Z'));
    expect(adapter.notices).toHaveLength(1);
    expect(adapter.stories).toHaveLength(1);
    // Before the retry the channel's zone is changed (/digest timezone:Pacific/Pago_Pago).
    await channels.update((await channels.get('discord:g1:c1'))!, (c) => ({
      ...c,
      timezone: 'Pacific/Pago_Pago',
    }));
    await daily.tick(new Date('2026-01-15T07:05:00Z'));
    expect(adapter.notices.map((n) => n.text)).toEqual(['Daily digest for 2026-01-15: 2 top stories']);
    expect(new Set(adapter.stories.map((s) => s.storyId)).size).toBe(2);
    expect(adapter.stories).toHaveLength(2);
  });
});
