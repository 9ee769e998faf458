/**
 * Permissions Discord does not refuse a post for lacking. Without Read Message History it lists no messages
 * instead of refusing, so a post cut short by a crash could not be found again; without Embed Links it drops
 * a story's embed. Real discord.js against the fake, in a server where #general denies the bot Read Message
 * History and #no-embeds denies it Embed Links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ChannelSink } from '../../src/deliver/channel-sink.js';
import {
  type ChannelSettings,
  ChannelStore,
  channelKey,
  DEFAULT_CHANNEL,
} from '../../src/deliver/channels.js';
import { Deliverer } from '../../src/deliver/deliverer.js';
import { PlatformError } from '../../src/deliver/platform.js';
import { silentLogger } from '../../src/log.js';
import { createDiscordBot, type DiscordBot } from '../../src/platforms/discord/index.js';
import { openStore } from '../../src/store/index.js';
import { FakeDiscord, Permission } from '../fakes/discord.js';
import { storyDigest } from './fixture.js';

describe('Discord permissions that fail silently', () => {
  let fake: FakeDiscord;
  let bot: DiscordBot;

  beforeAll(async () => {
    fake = new FakeDiscord({
      guilds: [
        {
          name: 'Newsroom',
          channels: [
            {
              name: 'general',
              type: 'text',
              overwrites: [{ target: 'bot', deny: Permission.ReadMessageHistory }],
            },
            { name: 'readable', type: 'text' },
            { name: 'no-embeds', type: 'text', overwrites: [{ target: 'bot', deny: Permission.EmbedLinks }] },
          ],
        },
      ],
    });
    await fake.start();
    bot = createDiscordBot({
      secrets: { discordToken: fake.token, discordApiUrl: fake.restUrl },
      config: parseConfig({ store: 'memory://', sinks: { console: { enabled: false } } }),
      logger: silentLogger,
    });
    await bot.start();
  });

  afterAll(async () => {
    await bot.stop();
    await fake.stop();
  });

  const settings = (name: string): ChannelSettings => {
    const c = fake.channel(name);
    return {
      key: channelKey('discord', c.guildId, c.id),
      platform: 'discord',
      workspaceId: c.guildId,
      channelId: c.id,
      kind: 'text',
      feeds: [],
      topics: [],
      ...DEFAULT_CHANNEL,
    };
  };

  it('without Read Message History: no post, and the channel paused with the permission named', async () => {
    const channel = settings('general');
    const refused = bot.adapter.postStory(channel, storyDigest(), `${channel.key}|s|post`);
    await expect(refused).rejects.toThrow(PlatformError);
    await expect(refused).rejects.toThrow(/Read Message History/);
    await expect(bot.adapter.postNotice(channel, 'Feed paused', `${channel.key}|n`)).rejects.toThrow(
      /Read Message History/,
    );

    const store = openStore('memory://');
    const channels = new ChannelStore(store);
    await channels.save(channel);
    const sink = new ChannelSink(channel, bot.adapter, channels);
    await new Deliverer(store).deliver(sink, storyDigest()).catch(() => {});
    expect((await channels.get(channel.key))?.paused?.reason).toBe(
      'Threadline lacks Read Message History (to find its own posts after a restart, so that none goes out twice) here',
    );
    expect(fake.messages('general')).toEqual([]);

    // Where it can read, the same story goes out.
    const readable = settings('readable');
    const ref = await bot.adapter.postStory(readable, storyDigest(), `${readable.key}|s|post`);
    expect(ref.threadId).toBeDefined();
    expect(fake.messages('readable').filter((m) => m.embeds.length > 0)).toHaveLength(1);
  });

  it('without Embed Links: no story (it would lose its summary), while a plain notice still goes out', async () => {
    const channel = settings('no-embeds');
    await expect(bot.adapter.postStory(channel, storyDigest(), `${channel.key}|s|post`)).rejects.toThrow(
      /lacks Embed Links \(for a story's summary\) here/,
    );
    expect(fake.messages('no-embeds')).toEqual([]);
    await bot.adapter.postNotice(channel, 'A feed was paused', `${channel.key}|n`);
    expect(fake.messages('no-embeds').map((m) => m.content)).toEqual([
      expect.stringContaining('A feed was paused'),
    ]);
  });
});
