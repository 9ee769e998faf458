import { once } from 'node:events';
import {
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  type ForumChannel,
  GatewayIntentBits,
  HTTPError,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  type TextChannel,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeDiscord, opt } from './discord.js';

let fake: FakeDiscord;
let client: Client | undefined;

function makeClient(intents: number[] = [GatewayIntentBits.Guilds]): Client {
  client = new Client({ intents, rest: { api: fake.restUrl } });
  return client;
}

/** Logs in and waits for `clientReady`, which (unlike login()) only comes once every GUILD_CREATE arrived. */
async function loggedIn(intents?: number[]): Promise<Client<true>> {
  const c = makeClient(intents);
  const ready = once(c, Events.ClientReady);
  await c.login(fake.token);
  await ready;
  return c as Client<true>;
}

function onInteraction(c: Client, handler: (i: Interaction) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    c.once(Events.InteractionCreate, (i) => handler(i).then(resolve, reject));
  });
}

function textChannel(c: Client, name: string): TextChannel {
  const ch = c.channels.cache.find((x) => 'name' in x && x.name === name);
  if (!ch || ch.type !== ChannelType.GuildText) throw new Error(`no text channel ${name}`);
  return ch;
}

beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
});

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await fake.stop();
  expect(fake.internalErrors).toEqual([]);
});

describe('FakeDiscord with the real discord.js client', () => {
  it('logs in, emits clientReady (and the deprecated ready) and caches the guild with its channels', async () => {
    const c = makeClient() as Client<true>;
    const events: string[] = [];
    // discord.js 14.28 emits both; `ready` is deprecated in favour of `clientReady` (gone in v15).
    c.once('ready', () => events.push('ready'));
    c.once(Events.ClientReady, () => events.push('clientReady'));
    const ready = once(c, Events.ClientReady);
    await expect(c.login(fake.token)).resolves.toBe(fake.token);
    await ready;
    expect(events).toEqual(['ready', 'clientReady']);

    const guild = c.guilds.cache.get(fake.guild().id);
    expect(guild?.name).toBe('Threadline Test');
    const types = Object.fromEntries(guild?.channels.cache.map((ch) => [ch.name, ch.type]) ?? []);
    expect(types).toEqual({
      general: ChannelType.GuildText,
      announcements: ChannelType.GuildAnnouncement,
      'news-forum': ChannelType.GuildForum,
    });
    expect(c.user.id).toBe(fake.bot.id);
    expect(c.application.id).toBe(fake.applicationId);
    expect(fake.gatewayLog.identifies).toHaveLength(1);
    expect(fake.gatewayLog.identifies[0]?.intents).toBe(GatewayIntentBits.Guilds);
    expect(fake.requestsTo('GET /gateway/bot')[0]?.auth).toBe('bot');
    // The bot's computed permissions come from the guild roles the fake sent.
    const general = textChannel(c, 'general');
    expect(general.permissionsFor(c.user)?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(general.permissionsFor(c.user)?.has(PermissionFlagsBits.ManageChannels)).toBe(false);
  });

  it('rejects a wrong token on REST (401) so login fails', async () => {
    const c = makeClient();
    await expect(c.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.requests[0]).toMatchObject({ path: '/gateway/bot', status: 401, auth: 'invalid' });
  });

  it('closes the gateway with 4014 when a privileged intent is not enabled', async () => {
    const c = makeClient([GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent]);
    await expect(c.login(fake.token)).rejects.toThrow(/disallowed intents/i);
    expect(fake.gatewayLog.closes).toContain(4014);
  });

  it('gateway: HELLO first, heartbeat ACK, and IDENTIFY with a wrong token closes with 4004', async () => {
    const ws = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    const frames: { op: number; d: unknown }[] = [];
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number; d: unknown };
      frames.push(frame);
      if (frame.op === 10) ws.send(JSON.stringify({ op: 1, d: null }));
      if (frame.op === 11)
        ws.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 1, properties: {} } }));
    });
    const [code] = (await once(ws, 'close')) as [number];
    expect(frames.map((f) => f.op)).toEqual([10, 11]);
    expect(frames[0]?.d).toMatchObject({ heartbeat_interval: 41_250 });
    expect(code).toBe(4004);
  });

  it('records a sent message with its allowed_mentions and dedupes by nonce with enforce_nonce', async () => {
    const c = await loggedIn();
    const general = textChannel(c, 'general');
    const first = await general.send({
      content: 'Digest <@123456789012345678> @everyone',
      allowedMentions: { parse: [] },
      nonce: 'digest-1',
      enforceNonce: true,
    });
    const again = await general.send({
      content: 'Digest (retry)',
      allowedMentions: { parse: [] },
      nonce: 'digest-1',
      enforceNonce: true,
    });
    expect(again.id).toBe(first.id);
    const stored = fake.messages('general');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.content).toBe('Digest <@123456789012345678> @everyone');
    expect(fake.allowedMentionsOf(first.id)).toEqual({ parse: [] });
    expect(fake.mentionsOf(first.id)).toEqual({ users: [], roles: [], everyone: false });
    expect(fake.requestsTo('POST /channels/:id/messages').map((r) => r.note)).toEqual([
      undefined,
      'nonce-replay',
    ]);
    expect(fake.messagePayloads.every((p) => JSON.stringify(p.allowedMentions) === '{"parse":[]}')).toBe(
      true,
    );

    // Without allowed_mentions Discord parses everything: the fake reports the user that would be pinged.
    const loud = await general.send({ content: 'hey <@123456789012345678>' });
    expect(fake.mentionsOf(loud.id).users).toEqual(['123456789012345678']);
    expect(fake.allowedMentionsOf(loud.id)).toBeUndefined();
  });

  it('starts a thread from a message and posts a reply into it', async () => {
    const c = await loggedIn();
    const general = textChannel(c, 'general');
    const headline = await general.send({ content: 'Story: markets rally', allowedMentions: { parse: [] } });
    const thread = await headline.startThread({ name: 'Markets rally' });
    expect(thread.id).toBe(headline.id);
    expect(thread.type).toBe(ChannelType.PublicThread);
    expect(c.channels.cache.get(thread.id)).toBe(thread);
    await thread.send({ content: 'Facts: ...', allowedMentions: { parse: [] } });

    const [recorded] = fake.threads();
    expect(recorded).toMatchObject({ id: headline.id, parentId: general.id, name: 'Markets rally' });
    expect(fake.messages(thread.id).map((m) => m.content)).toEqual(['Facts: ...']);
    expect(fake.message(headline.id)?.threadId).toBe(thread.id);
    await expect(headline.startThread({ name: 'again' })).rejects.toMatchObject({ code: 160004 });
  });

  it('creates a forum post with its starter message and tags', async () => {
    const c = await loggedIn();
    const forum = c.channels.cache.find((x) => x.type === ChannelType.GuildForum) as ForumChannel;
    const tag = forum.availableTags.find((t) => t.name === 'tech');
    const post = await forum.threads.create({
      name: 'Chip export rules',
      message: { content: 'Summary', allowedMentions: { parse: [] } },
      appliedTags: tag ? [tag.id] : [],
    });
    expect(post.parentId).toBe(forum.id);
    const starter = fake.messages(post.id);
    expect(starter).toHaveLength(1);
    expect(starter[0]).toMatchObject({ id: post.id, content: 'Summary', source: 'forum-starter' });
    expect(fake.threads(forum.id)[0]?.thread?.appliedTags).toEqual([tag?.id]);
    // A forum takes posts, not messages.
    await expect(
      c.rest.post(`/channels/${forum.id}/messages`, { body: { content: 'x' } }),
    ).rejects.toMatchObject({
      code: 50008,
    });
  });

  it('delivers a slash command to interactionCreate and records the ephemeral reply', async () => {
    const c = await loggedIn();
    const seen = onInteraction(c, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a chat input command');
      expect(i.commandName).toBe('follow');
      expect(i.options.getString('url')).toBe('https://example.com/feed.xml');
      expect(i.memberPermissions?.has(PermissionFlagsBits.ManageChannels)).toBe(true);
      expect(i.channelId).toBe(fake.channel('general').id);
      await i.reply({
        content: 'Following it.',
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
    });
    const handle = fake.sendInteraction({
      command: 'follow',
      channel: 'general',
      options: [opt.string('url', 'https://example.com/feed.xml')],
      permissions: PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ViewChannel,
    });
    await seen;
    const reply = await handle.reply();
    expect(reply.content).toBe('Following it.');
    expect(reply.ephemeral).toBe(true);
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect((await handle.response()).type).toBe(4);
    expect(fake.allowedMentionsOf(reply)).toEqual({ parse: [] });
    // Ephemeral replies are invisible in the channel.
    expect(fake.messages('general')).toHaveLength(0);
    expect(fake.messages('general', { includeEphemeral: true })).toHaveLength(1);
  });

  it('handles defer + editReply + followUp, autocomplete, and serves an attached file', async () => {
    const c = await loggedIn();
    const deferred = onInteraction(c, async (i) => {
      if (!i.isChatInputCommand()) throw new Error('expected a command');
      const file = i.options.getAttachment('file', true);
      const res = await fetch(file.url);
      const text = await res.text();
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.editReply({ content: `Imported ${text.length} bytes`, allowedMentions: { parse: [] } });
      await i.followUp({ content: 'Done.', flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    });
    const opml = '<opml version="2.0"><body><outline xmlUrl="https://example.com/rss"/></body></opml>';
    const handle = fake.sendInteraction({
      command: 'import',
      channel: 'general',
      attachments: [{ option: 'file', filename: 'feeds.opml', data: opml, contentType: 'text/x-opml' }],
    });
    await deferred;
    expect((await handle.response()).type).toBe(5);
    expect((await handle.reply()).content).toBe(`Imported ${opml.length} bytes`);
    expect((await handle.followUp(0)).content).toBe('Done.');
    expect(fake.downloads).toHaveLength(1);

    const completing = onInteraction(c, async (i) => {
      if (!i.isAutocomplete()) throw new Error('expected autocomplete');
      const focused = i.options.getFocused();
      await i.respond([{ name: `World (${focused})`, value: 'world' }]);
    });
    const ac = fake.sendInteraction({
      kind: 'autocomplete',
      command: 'unfollow',
      channel: 'general',
      options: [opt.string('feed', 'wor', true)],
    });
    await completing;
    expect(await ac.choices()).toEqual([{ name: 'World (wor)', value: 'world' }]);
  });

  it('records bulk-overwritten global and guild commands with stable ids', async () => {
    const c = await loggedIn();
    const body = [
      {
        name: 'follow',
        description: 'Follow a feed',
        options: [{ type: 3, name: 'url', description: 'Feed URL', required: true }],
      },
    ];
    const first = await c.application.commands.set(body);
    const second = await c.application.commands.set(body);
    expect(second.first()?.id).toBe(first.first()?.id);
    expect(fake.commands().map((x) => x.name)).toEqual(['follow']);
    const guildId = fake.guild().id;
    await c.guilds.cache.get(guildId)?.commands.set([{ name: 'digest', description: 'Post now' }]);
    expect(fake.commands(guildId).map((x) => x.name)).toEqual(['digest']);
    await expect(c.application.commands.set([{ name: 'Bad Name', description: 'x' }])).rejects.toMatchObject({
      code: 50035,
    });
    // Interactions for a registered command must use options it declares.
    expect(() =>
      fake.sendInteraction({ command: 'follow', channel: 'general', options: [opt.string('nope', 'x')] }),
    ).toThrow(/no option "nope"/);
  });

  it('survives a 429 with retry_after 0.05: waits, retries and posts exactly once', async () => {
    const c = await loggedIn();
    const limited: unknown[] = [];
    c.rest.on('rateLimited', (info) => limited.push(info));
    const fault = fake.failNext('POST /channels/:id/messages', { status: 429, retryAfter: 0.05 });
    const started = Date.now();
    await textChannel(c, 'general').send({ content: 'after the limit', allowedMentions: { parse: [] } });
    // Retry-After (50 ms) plus @discordjs/rest's default 50 ms offset.
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(fault.hits).toBe(1);
    expect(fake.requestsTo('POST /channels/:id/messages').map((r) => r.status)).toEqual([429, 200]);
    expect(fake.messages('general')).toHaveLength(1);
    expect(limited.length).toBeGreaterThanOrEqual(1);

    fake.failNext('POST /channels/:id/messages', { status: 429, retryAfter: 0.05, global: true });
    await textChannel(c, 'general').send({ content: 'after a global limit', allowedMentions: { parse: [] } });
    expect(fake.messages('general')).toHaveLength(2);
  });

  it('5xx: @discordjs/rest retries immediately up to 3 times, then throws HTTPError', async () => {
    const c = await loggedIn();
    const general = textChannel(c, 'general');
    // One 500: retried without delay, the message lands once.
    fake.failNext('POST /channels/:id/messages', { status: 500 });
    await general.send({ content: 'one', allowedMentions: { parse: [] } });
    expect(fake.requestsTo('POST /channels/:id/messages').map((r) => r.status)).toEqual([500, 200]);
    expect(fake.messages('general')).toHaveLength(1);

    // Four 5xx in a row exhaust the default `retries: 3` and surface as HTTPError (not DiscordAPIError).
    fake.failNext('POST /channels/:id/messages', { status: 503, times: 4 });
    const err = await general
      .send({ content: 'two', allowedMentions: { parse: [] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).status).toBe(503);
    expect(fake.requestsTo('POST /channels/:id/messages')).toHaveLength(6);
    expect(fake.messages('general')).toHaveLength(1);
  });

  it('a lost response (500 after commit) duplicates without a nonce and not with enforce_nonce', async () => {
    const c = await loggedIn();
    const general = textChannel(c, 'general');
    fake.failAfterCommit('POST /channels/:id/messages');
    await general.send({ content: 'no nonce', allowedMentions: { parse: [] } });
    expect(fake.messages('general').map((m) => m.content)).toEqual(['no nonce', 'no nonce']);

    fake.failAfterCommit('POST /channels/:id/messages');
    const sent = await general.send({
      content: 'with nonce',
      allowedMentions: { parse: [] },
      nonce: 'story-42',
      enforceNonce: true,
    });
    const withNonce = fake.messages('general').filter((m) => m.content === 'with nonce');
    expect(withNonce.map((m) => m.id)).toEqual([sent.id]);
  });

  it('4xx faults surface as DiscordAPIError with Discord codes and are not retried', async () => {
    const c = await loggedIn();
    const general = textChannel(c, 'general');
    fake.failNext('POST /channels/:id/messages', { status: 403, code: 50013 });
    const denied = await general
      .send({ content: 'x', allowedMentions: { parse: [] } })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(DiscordAPIError);
    expect(denied).toMatchObject({ status: 403, code: 50013, message: 'Missing Permissions' });

    fake.failNext(/^POST \/channels\/\d+\/messages$/, { status: 404, code: 10003 });
    await expect(general.send({ content: 'y', allowedMentions: { parse: [] } })).rejects.toMatchObject({
      status: 404,
      code: 10003,
    });
    expect(fake.requestsTo('POST /channels/:id/messages')).toHaveLength(2);
    expect(fake.messages('general')).toHaveLength(0);

    await expect(c.rest.get('/no/such/route')).rejects.toMatchObject({ status: 404, code: 0 });
    expect(fake.unknownRequests.map((r) => r.path)).toEqual(['/no/such/route']);
  });

  it('resumes after a gateway RECONNECT and keeps delivering events', async () => {
    const c = await loggedIn();
    const resumed = once(c.ws.shards.first()!, 'resumed');
    fake.requestReconnect();
    await resumed;
    expect(fake.gatewayLog.resumes).toBe(1);
    expect(fake.gatewayLog.identifies).toHaveLength(1);
    const seen = onInteraction(c, async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'still here', allowedMentions: { parse: [] } });
    });
    const handle = fake.sendInteraction({ command: 'status', channel: 'general' });
    await seen;
    expect((await handle.reply()).content).toBe('still here');
  });

  it('destroy() ends the gateway session and leaves no sockets or servers open', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    const c = await loggedIn();
    await textChannel(c, 'general').send({ content: 'bye', allowedMentions: { parse: [] } });
    await c.destroy();
    client = undefined;
    await fake.waitFor(() => fake.connectedSessions === 0 || undefined);
    await fake.stop();
    await new Promise((r) => setTimeout(r, 20));
    const after = process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    expect(after).toBeLessThanOrEqual(before - 1);
  });
});
