import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { ChannelSink } from '../../src/deliver/channel-sink.js';
import type { ChannelSettings } from '../../src/deliver/channels.js';
import { silentLogger } from '../../src/log.js';
import { createSlackAdapter, type SlackRuntime } from '../../src/platforms/slack/index.js';
import { FakeSlack, signedRequest } from '../fakes/slack.js';
import { FeedServer, renderRss } from '../helpers/feed-server.js';
import { freePort } from '../helpers/ports.js';
import { loadSeeds } from '../helpers/shared.js';
import { storyDigest, storyUpdate } from './fixture.js';

const GENERAL = 'C0GENERAL';
const SECRET = 'fake-signing-secret';
const OUTLETS = ['Valley Newz', 'Truth and Resistance', 'Capital Ledger', 'Morning Wire', 'Global Desk'];
/** Small waits so that retries cost milliseconds; a Retry-After of 1 s is still waited out in full. */
const FAST = { attempts: 3, backoffMs: 5, maxRateLimitWaitSeconds: 5, timeoutMs: 2000 };

interface Harness {
  app: App;
  slack: SlackRuntime;
  port?: number;
  logs: string[];
}

describe('Slack app through the real Bolt against a fake Slack', () => {
  const feeds = new FeedServer();
  const seeds = loadSeeds();
  let fake: FakeSlack;
  let running: Harness[] = [];

  beforeAll(async () => {
    await feeds.start();
    OUTLETS.forEach((outlet, i) => {
      const seed = seeds[i]!;
      feeds.setFeed(
        `/feed/${i}.xml`,
        renderRss(outlet, `https://outlet${i}.example/`, [
          {
            guid: `seed-${i}`,
            title: seed.title,
            link: `https://outlet${i}.example/news/${i}`,
            body: seed.body,
            pubDate: new Date(Date.UTC(2025, 7, 17, 12 + i)),
          },
        ]),
      );
    });
    feeds.setFeed(
      '/feeds.opml',
      `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>${OUTLETS.map(
        (o, i) => `<outline type="rss" text="${o}" xmlUrl="${feeds.url(`/feed/${i}.xml`)}"/>`,
      ).join('')}</body></opml>`,
    );
  });

  afterAll(() => feeds.stop());

  beforeEach(async () => {
    fake = new FakeSlack({
      channels: [
        { id: GENERAL, name: 'general' },
        { id: 'C0OUTSIDE', name: 'outside', isMember: false },
      ],
      // Message times on the wall clock, as Slack's are: recovery searches history from a post's start time.
      tsBase: Math.floor(Date.now() / 1000),
    });
    await fake.start();
  });

  afterEach(async () => {
    // Bolt first: a socket the fake closes under a running client makes it reconnect.
    for (const h of running) await h.slack.stop();
    for (const h of running) await h.app.stop();
    running = [];
    await fake.stop();
  });

  async function start(
    opts: {
      mode?: 'socket' | 'http';
      now?: () => Date;
      whoCanConfigure?: 'admins' | 'channel-managers' | 'everyone';
    } = {},
  ): Promise<Harness> {
    const logs: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => logs.push(line) });
    const mode = opts.mode ?? 'socket';
    const slack = await createSlackAdapter({
      config: {
        fetch: parseConfig({ fetch: { allowPrivate: ['127.0.0.1'], timeoutMs: 2000 } }).fetch,
        slack: { mode, port: 0, delivery: FAST, whoCanConfigure: opts.whoCanConfigure },
      },
      env: {
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_APP_TOKEN: fake.appToken,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
      },
      logger,
    });
    const config = parseConfig({
      store: 'memory://',
      fetch: { allowPrivate: ['127.0.0.1'], timeoutMs: 2000 },
      // The seed reports are dated August 2025: first posts here have no age limit.
      updates: { maxStoryAgeHours: 0 },
      sinks: { console: { enabled: false } },
    });
    const app = new App(config, { logger, adapters: [slack.adapter], now: opts.now });
    slack.attach(app);
    await app.init();
    const { port } = await slack.start();
    const harness = { app, slack, port, logs };
    running.push(harness);
    return harness;
  }

  /** A slash command over Socket Mode; resolves with the first response_url post it caused. */
  async function slash(command: string, text: string, user = 'U0ADMIN', channel = GENERAL) {
    const before = fake.responses.length;
    const ack = await fake.sendSlashCommand({ command, text, user_id: user, channel_id: channel });
    await fake.waitFor(() => fake.responses.length > before);
    return {
      ack,
      response: fake.responses[before]!.body as { response_type?: string; text?: string; blocks?: unknown[] },
    };
  }

  async function subscribeAll(h: Harness, channelId = GENERAL, mode: ChannelSettings['mode'] = 'realtime') {
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, channelId);
    await h.app.channels.save({
      ...channel,
      mode,
      feeds: OUTLETS.map((o, i) => ({ url: feeds.url(`/feed/${i}.xml`), title: o })),
    });
  }

  const headerOf = (blocks: unknown[] | undefined) =>
    (blocks?.[0] as { type: string; text?: { text: string } } | undefined)?.text?.text;

  it('HTTP mode: a signed slash command is handled; bad and stale signatures get 401', async () => {
    const h = await start({ mode: 'http' });
    const url = `http://127.0.0.1:${h.port}/slack/events`;
    const form = fake.slashCommandPayload({
      command: '/threadline',
      text: `subscribe ${feeds.url('/feed/0.xml')}`,
    });

    const ok = await signedRequest(url, form, { secret: SECRET });
    expect(ok.status).toBe(200);
    await fake.waitFor(() => fake.responses.length === 1);
    expect(fake.responses[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Subscribed to Valley Newz'),
    });
    expect((await h.app.channels.get(`slack:${fake.teamId}:${GENERAL}`))?.feeds).toEqual([
      { url: feeds.url('/feed/0.xml'), title: 'Valley Newz', since: expect.any(String) },
    ]);

    const again = fake.slashCommandPayload({ command: '/threadline', text: 'list' });
    expect((await signedRequest(url, again, { secret: SECRET, badSignature: true })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await signedRequest(url, again, { secret: SECRET, timestamp: stale })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.responses).toHaveLength(1);
  });

  it('Socket Mode: connects with the app token and answers /threadline help over the socket', async () => {
    await start();
    expect(fake.calls('apps.connections.open')).toMatchObject([{ token: fake.appToken, status: 200 }]);
    expect(fake.socketOpen).toBe(true);
    const { ack, response } = await slash('/threadline', 'help', 'U0MEMBER');
    expect(ack.payload).toEqual({});
    expect(response.response_type).toBe('ephemeral');
    expect(response.text).toContain('/threadline subscribe &lt;feed URL | topic&gt;');
    expect(response.text).toContain('For workspace admins and owners:');
  });

  it('start names the token Slack refused', async () => {
    const attempt = async (env: Record<string, string>) => {
      const slack = await createSlackAdapter({
        config: { fetch: parseConfig({}).fetch, slack: { delivery: FAST } },
        env: {
          SLACK_API_URL: fake.apiUrl,
          SLACK_BOT_TOKEN: fake.botToken,
          SLACK_APP_TOKEN: fake.appToken,
          ...env,
        },
        logger: silentLogger,
      });
      slack.bind({ commands: {} as never });
      return slack.start();
    };
    await expect(attempt({ SLACK_BOT_TOKEN: 'xoxb-revoked' })).rejects.toThrow(
      'Slack refused SLACK_BOT_TOKEN (invalid_auth)',
    );
    await expect(attempt({ SLACK_APP_TOKEN: 'xapp-revoked' })).rejects.toThrow(
      'Slack refused SLACK_APP_TOKEN for Socket Mode (invalid_auth)',
    );
    await expect(attempt({ SLACK_APP_TOKEN: '' })).rejects.toThrow(/SLACK_APP_TOKEN .* is not set/);
    // No answer at all is not a refused token.
    const closed = await freePort();
    await expect(attempt({ SLACK_API_URL: `http://127.0.0.1:${closed}/api/` })).rejects.toThrow(
      /^cannot reach Slack \(.*\); check the network or SLACK_API_URL$/,
    );
  });

  it('subscribe: an admin is confirmed and saved; a member is refused; bad input gets a clear error', async () => {
    const h = await start();
    const url = feeds.url('/feed/1.xml');
    const refused = await slash('/threadline', `subscribe ${url}`, 'U0MEMBER');
    expect(refused.response).toMatchObject({
      response_type: 'ephemeral',
      text: ':warning: Only workspace admins and owners can change what this channel follows.',
    });
    expect(await h.app.channels.get(`slack:${fake.teamId}:${GENERAL}`)).toBeUndefined();

    const { response } = await slash('/threadline', `subscribe <${url}>`);
    expect(response).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining(`Subscribed to Truth and Resistance (<${url}>)`),
    });
    expect((await h.app.channels.get(`slack:${fake.teamId}:${GENERAL}`))?.feeds).toEqual([
      { url, title: 'Truth and Resistance', since: expect.any(String) },
    ]);

    const bad = await slash('/threadline', 'subscribe https://127.0.0.1:1/nothing-here.xml');
    expect(bad.response.text).toMatch(
      /^:warning: Cannot fetch <https:\/\/127\.0\.0\.1:1\/nothing-here\.xml>/,
    );
    // An error that opens on a URL keeps the URL as it is ("Http://" would not lead anywhere).
    const notFeed = await slash('/threadline', `subscribe ${feeds.url('/not-a-feed')}`);
    expect(notFeed.response.text).toMatch(
      /^:warning: <http:\/\/127\.0\.0\.1:\d+\/not-a-feed> answered HTTP 404\.$/,
    );
    const unknown = await slash('/threadline', 'frobnicate', 'U0MEMBER');
    expect(unknown.response.text).toBe(':warning: Unknown subcommand "frobnicate"; see `/threadline help`.');
    const time = await slash('/threadline', 'digest 25:00 Europe/Berlin');
    expect(time.response.text).toBe(
      ':warning: "25:00" is not a time: use HH:MM, for example 08:00; see `/threadline help`.',
    );
  });

  it('channel-managers policy: the channel creator may configure, other members may not', async () => {
    // The fake's channels are created by U0ADMIN; here that user is a plain member, so only creatorship counts.
    fake.addUser({ id: 'U0ADMIN', name: 'ada' });
    fake.addUser({ id: 'U0OTHER', name: 'olga' });
    const h = await start({ whoCanConfigure: 'channel-managers' });
    const refused = await slash('/threadline', 'subscribe topic ukraine', 'U0OTHER');
    expect(refused.response.text).toBe(
      ":warning: Only this channel's creator and workspace admins can change what this channel follows.",
    );
    const ok = await slash('/threadline', 'subscribe topic ukraine');
    expect(ok.response.text).toContain('Following stories about "ukraine"');
    expect((await h.app.channels.get(`slack:${fake.teamId}:${GENERAL}`))?.topics).toEqual(['ukraine']);
  });

  it('a direct message cannot be subscribed: the app could never post there; /story still answers', async () => {
    const h = await start({ whoCanConfigure: 'channel-managers' });
    const dm = 'D0DIRECT';
    for (const text of ['subscribe topic ukraine', `import ${feeds.url('/feeds.opml')}`, 'digest 08:00']) {
      const { response } = await slash('/threadline', text, 'U0ADMIN', dm);
      expect(response.text).toBe(
        ':warning: Threadline posts stories in channels, not in direct messages: use the command in a channel and invite the app there.',
      );
    }
    expect(await h.app.channels.get(`slack:${fake.teamId}:${dm}`)).toBeUndefined();
    const none = await slash('/story', 'volcano iceland', 'U0MEMBER', dm);
    expect(none.response.text).toBe(':warning: No recent story matches "volcano iceland".');
  });

  it('posts the seed story with its thread via pollOnce, and /story ukraine answers with it', async () => {
    const h = await start();
    await subscribeAll(h);
    await h.app.pollOnce(true);

    // The five seed documents are one story.
    expect(h.app.engine.stories()).toHaveLength(1);
    const digest = h.app.engine.digest(h.app.engine.stories()[0]!.id)!;
    const posts = fake.posts(GENERAL);
    expect(posts).toHaveLength(1);
    const parent = posts[0]!;
    expect(parent).toMatchObject({
      unfurl_links: false,
      unfurl_media: false,
      metadata: {
        event_type: 'threadline_story',
        event_payload: { key: expect.stringContaining(digest.id), kind: 'story' },
      },
    });
    expect(headerOf(parent.blocks)).toBe(digest.headline);
    const replies = fake.replies(GENERAL, parent.ts);
    expect(replies.length).toBe(parent.metadata!.event_payload.replies);
    expect(replies.length).toBeGreaterThan(0);
    for (const [part, reply] of replies.entries()) {
      expect(reply).toMatchObject({
        thread_ts: parent.ts,
        unfurl_links: false,
        metadata: { event_type: 'threadline_reply', event_payload: { part } },
      });
    }

    const { response } = await slash('/story', 'ukraine', 'U0MEMBER');
    expect(response.response_type).toBe('ephemeral');
    expect(headerOf(response.blocks)).toBe(digest.headline);
    const none = await slash('/story', 'volcano iceland', 'U0MEMBER');
    expect(none.response.text).toBe(':warning: No recent story matches "volcano iceland".');

    // A second pass finds nothing new and posts nothing.
    await h.app.pollOnce(true);
    expect(fake.posts(GENERAL)).toHaveLength(1);
  });

  it('list shows a feed URL as written, so that it unsubscribes, and no bidi controls from a stored name', async () => {
    const h = await start();
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, GENERAL);
    const url = 'https://www.cs.example.edu/~alice/_feed/rss';
    // A name as an earlier version kept it: U+202E would show the rest of the line reversed.
    await h.app.channels.save({ ...channel, feeds: [{ url, title: 'Daily News \u202Elmx.sser' }] });
    const { response } = await slash('/threadline', 'list');
    expect(response.text).toContain(`• Daily News lmx.sser — <${url}>`);
    expect(response.text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    const gone = await slash('/threadline', `unsubscribe ${url}`);
    expect(gone.response.text).toMatch(/^Unsubscribed/);
    expect((await h.app.channels.get(channel.key))?.feeds).toEqual([]);
  });

  it('a list longer than one post goes out in several, at most five, and the last says what did not fit', async () => {
    const h = await start();
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, GENERAL);
    const feedsOf = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        url: `https://feeds.example/${String(i).padStart(3, '0')}/rss`,
        title: `Outlet ${i} ${'news '.repeat(20)}`.trim(),
      }));
    const list = async (posts: number) => {
      const before = fake.responses.length;
      await fake.sendSlashCommand({
        command: '/threadline',
        text: 'list',
        user_id: 'U0ADMIN',
        channel_id: GENERAL,
      });
      await fake.waitFor(() => fake.responses.length >= before + posts);
      // Time for a post too many to arrive.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return fake.responses.slice(before).map((r) => (r.body as { text: string }).text);
    };

    // Some 150 characters a line: 60 feeds need three posts.
    await h.app.channels.save({ ...channel, feeds: feedsOf(60) });
    const three = await list(3);
    expect(three).toHaveLength(3);
    for (const text of three) expect(text.length).toBeLessThanOrEqual(4000);
    const all = three.join('\n');
    for (const f of feedsOf(60)) expect(all.split(`<${f.url}>`)).toHaveLength(2);

    await h.app.channels.save({ ...channel, feeds: feedsOf(400) });
    const five = await list(5);
    expect(five).toHaveLength(5);
    // "Feeds (400):", a line per feed, the topics and the delivery mode.
    const shown = five.slice(0, 4).join('\n').split('\n').length;
    expect(shown).toBeGreaterThan(100);
    expect(five[4]).toBe(`…and ${1 + 400 + 2 - shown} more lines, more than one answer can hold.`);
  });

  it('import of an OPML URL and of a file shared in Slack; export as a code block', async () => {
    const h = await start();
    const empty = await slash('/threadline', 'export');
    expect(empty.response.text).toBe(
      ':warning: This channel follows no feeds to export; its topics are listed by the list subcommand.',
    );
    const fromUrl = await slash('/threadline', `import ${feeds.url('/feeds.opml')}`);
    expect(fromUrl.response.text).toContain('Imported 5 feeds');
    expect((await h.app.channels.get(`slack:${fake.teamId}:${GENERAL}`))?.feeds).toHaveLength(5);

    const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="https://extra.example/rss"/></body></opml>`;
    const file = fake.addFile({ name: 'feeds.opml', content: opml, mimetype: 'text/x-opml' });
    const fromFile = await slash(
      '/threadline',
      `import https://${fake.teamDomain}.slack.com/files/U0ADMIN/${file.id}/feeds.opml`,
    );
    expect(fromFile.response.text).toContain('Imported 1 feeds');
    expect(fake.downloads).toEqual([{ path: expect.stringContaining(file.id), authorized: true }]);

    const exported = await slash('/threadline', 'export');
    expect(exported.response.text).toMatch(/^```&lt;\?xml[\s\S]*extra\.example\/rss[\s\S]*```$/);
    // Feed addresses can carry access keys: members may not list or export them.
    for (const op of ['export', 'list']) {
      const hidden = await slash('/threadline', op, 'U0MEMBER');
      expect(hidden.response.text).toBe(
        ':warning: Only workspace admins and owners can see the feeds this channel follows (feed addresses can carry access keys).',
      );
    }
    const refused = await slash('/threadline', `import ${feeds.url('/feeds.opml')}`, 'U0MEMBER');
    expect(refused.response.text).toMatch(/^:warning: Only workspace admins/);
  });

  it('a shared OPML file that is too large or withheld is refused, and the token never follows a redirect', async () => {
    const h = await start();
    const link = (id: string) => `import https://${fake.teamDomain}.slack.com/files/U0ADMIN/${id}/feeds.opml`;
    // The size Slack reports is small; the bytes served are not. The cap holds while the body streams in.
    const huge = fake.addFile({
      name: 'feeds.opml',
      content: Buffer.alloc(h.app.config.fetch.maxBytes + 1, 32),
      mimetype: 'text/x-opml',
      reportedSize: 100,
    });
    const tooLarge = await slash('/threadline', link(huge.id));
    expect(tooLarge.response.text).toMatch(/^:warning: .*response too large/);

    const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="https://extra.example/rss"/></body></opml>`;
    const withheld = fake.addFile({ name: 'feeds.opml', content: opml, mimetype: 'text/x-opml' });
    fake.failNext('files.download', { status: 302 });
    const refused = await slash('/threadline', link(withheld.id));
    expect(refused.response.text).toMatch(/Slack did not hand over the file/);
    expect(fake.signIns).toEqual([]);
    expect((await h.app.channels.get(`slack:${fake.teamId}:${GENERAL}`))?.feeds ?? []).toHaveLength(0);
  });

  it('an update edits the parent and replies in the thread, once even when retried', async () => {
    const h = await start();
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, GENERAL);
    const sink = new ChannelSink(channel, h.slack.adapter, h.app.channels);
    const first = storyDigest();
    expect(await h.app.deliverer.deliver(sink, first)).toBe('posted');
    const parent = fake.posts(GENERAL)[0]!;
    const repliesBefore = fake.replies(GENERAL, parent.ts).length;

    // The update's reply is stored but its answer is lost: the retry finds it by metadata.
    fake.failAfterCommit('chat.postMessage');
    expect(await h.app.deliverer.deliver(sink, storyUpdate().digest)).toBe('updated');
    expect(fake.updates).toHaveLength(1);
    expect(fake.updates[0]).toMatchObject({ channel: GENERAL, ts: parent.ts });
    expect(JSON.stringify(fake.updates[0]!.blocks)).toContain('7 outlets');
    const replies = fake.replies(GENERAL, parent.ts);
    expect(replies).toHaveLength(repliesBefore + 1);
    expect(replies.at(-1)!.text).toContain('+2 sources: Southport Herald, City Desk');
    expect(fake.posts(GENERAL)).toHaveLength(1);
  });

  it('survives a 429 on chat.postMessage with exactly one post after waiting Retry-After', async () => {
    const h = await start();
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, GENERAL);
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await h.app.deliverer.deliver(new ChannelSink(channel, h.slack.adapter, h.app.channels), storyDigest());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.posts(GENERAL)).toHaveLength(1);
    const statuses = fake.calls('chat.postMessage').map((c) => c.status);
    expect(statuses[0]).toBe(429);
    expect(statuses.filter((s) => s === 200)).toHaveLength(
      1 + fake.replies(GENERAL, fake.posts(GENERAL)[0]!.ts).length,
    );
  });

  it('a post that times out but is carried out late is found, not posted twice', async () => {
    const h = await start();
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, GENERAL);
    // Slack answers after the client gave up (timeoutMs 2000), and posts all the same.
    fake.failNext('chat.postMessage', { delayMs: FAST.timeoutMs + 300 });
    expect(
      await h.app.deliverer.deliver(new ChannelSink(channel, h.slack.adapter, h.app.channels), storyDigest()),
    ).toBe('posted');
    // Past the late post's arrival, whenever the delivery ended.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(fake.posts(GENERAL)).toHaveLength(1);
    expect(fake.replies(GENERAL, fake.posts(GENERAL)[0]!.ts).length).toBeGreaterThan(0);
  });

  it('a Retry-After longer than the wait limit is left to the next pass, which posts once', async () => {
    const h = await start();
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, GENERAL);
    const sink = new ChannelSink(channel, h.slack.adapter, h.app.channels);
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    await expect(h.app.deliverer.deliver(sink, storyDigest())).rejects.toMatchObject({
      kind: 'rate-limited',
    });
    expect(fake.posts(GENERAL)).toHaveLength(0);
    expect((await h.app.channels.get(channel.key))?.paused).toBeUndefined();
    expect(await h.app.deliverer.deliver(sink, storyDigest())).toBe('posted');
    expect(fake.posts(GENERAL)).toHaveLength(1);
  });

  it('a post committed behind a 500, whose lookup fails too, is recovered by metadata in the retry pass', async () => {
    const h = await start();
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, GENERAL);
    const sink = new ChannelSink(channel, h.slack.adapter, h.app.channels);
    fake.failAfterCommit('chat.postMessage');
    fake.failNext('conversations.history', { status: 503, times: FAST.attempts });
    await expect(h.app.deliverer.deliver(sink, storyDigest())).rejects.toMatchObject({ kind: 'transient' });
    expect(fake.posts(GENERAL)).toHaveLength(1);
    expect(fake.replies(GENERAL, fake.posts(GENERAL)[0]!.ts)).toHaveLength(0);

    // The retry pass: the pending delivery finds the parent and finishes its thread.
    expect(await h.app.deliverer.deliver(sink, storyDigest())).toBe('posted');
    const posts = fake.posts(GENERAL);
    expect(posts).toHaveLength(1);
    expect(fake.replies(GENERAL, posts[0]!.ts)).toHaveLength(
      Number(posts[0]!.metadata!.event_payload.replies),
    );
    expect(await h.app.deliverer.deliver(sink, storyDigest())).toBe('unchanged');
    expect(fake.posts(GENERAL)).toHaveLength(1);
  });

  it('a post interrupted by a crash is found however busy the channel was since, and not posted again', async () => {
    const h = await start();
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, GENERAL);
    const sink = new ChannelSink(channel, h.slack.adapter, h.app.channels);
    const key = `${channel.key}|${storyDigest().id}`;
    // The worker recorded the post as under way, posted it, and died before recording that it had.
    const since = Date.now();
    const itemIds = storyDigest().coverage.map((c) => c.itemId);
    const factKeys = storyDigest().facts.map((f) => f.key);
    await h.app.store.ns('deliveries').set(key, {
      itemIds: [],
      factKeys: [],
      updates: 0,
      pending: { op: 'post', key: `${key}|post`, itemIds, factKeys, since },
    });
    await sink.post(storyDigest(), `${key}|post`);
    // More chatter than the latest few pages of history hold.
    for (let i = 0; i < 450; i++) fake.seedMessage({ channel: GENERAL, text: `chat ${i}`, user: 'U0MEMBER' });
    expect(await h.slack.adapter.recover(channel, `${key}|post`)).toBeUndefined();

    expect(await h.app.deliverer.deliver(sink, storyDigest())).toBe('posted');
    expect(fake.posts(GENERAL).filter((m) => m.bot_id)).toHaveLength(1);
    expect(await h.app.deliverer.deliver(sink, storyDigest())).toBe('unchanged');
  });

  it('a post committed behind a 500 is settled in the same pass: one parent, full thread', async () => {
    const h = await start();
    const channel = await h.app.channels.getOrCreate('slack', fake.teamId, GENERAL);
    fake.failAfterCommit('chat.postMessage');
    await h.app.deliverer.deliver(new ChannelSink(channel, h.slack.adapter, h.app.channels), storyDigest());
    const posts = fake.posts(GENERAL);
    expect(posts).toHaveLength(1);
    expect(fake.replies(GENERAL, posts[0]!.ts)).toHaveLength(
      Number(posts[0]!.metadata!.event_payload.replies),
    );
    expect(fake.calls('conversations.history')).toHaveLength(1);
  });

  it('channel_not_found and not_in_channel pause the channel and are reported once', async () => {
    const h = await start();
    for (const id of ['C0GONE', 'C0OUTSIDE']) {
      const channel = await h.app.channels.getOrCreate('slack', fake.teamId, id);
      await h.app.channels.save({ ...channel, topics: ['anything'] });
    }
    for (const sink of await h.app.sinks()) {
      await expect(h.app.deliverer.deliver(sink, storyDigest())).rejects.toMatchObject({
        kind: sink.id.endsWith('C0GONE') ? 'gone' : 'forbidden',
      });
    }
    // Paused channels are no longer delivery targets, so nothing is tried (or reported) again.
    expect(await h.app.sinks()).toEqual([]);
    expect(fake.calls('chat.postMessage').map((c) => c.error)).toEqual([
      'channel_not_found',
      'not_in_channel',
    ]);
    const gone = await h.app.channels.get(`slack:${fake.teamId}:C0GONE`);
    expect(gone?.paused?.reason).toContain('channel_not_found');
    expect(h.logs.filter((l) => l.includes('slack refused delivery'))).toHaveLength(2);

    const { response } = await slash('/threadline', 'list', 'U0ADMIN', 'C0OUTSIDE');
    expect(response.text).toContain('Deliveries are paused: the app is not a member of this channel');
  });

  it('sends the daily digest at its time in the channel zone, with a faked clock', async () => {
    let now = new Date('2025-08-17T20:00:00Z');
    const h = await start({ now: () => now });
    await subscribeAll(h);
    const { response } = await slash('/threadline', 'digest 08:00 Europe/Berlin');
    expect(response.text).toBe('Delivery: a daily digest at 08:00 Europe/Berlin.');
    // The digest covers what arrives after the command, on the worker's clock.
    const channel = (await h.app.channels.get(`slack:${fake.teamId}:${GENERAL}`))!;
    expect(channel.dailySince).toBe('2025-08-17T20:00:00.000Z');

    now = new Date('2025-08-17T20:05:00Z');
    await h.app.pollOnce(true);
    expect(fake.posts(GENERAL)).toHaveLength(0);
    now = new Date('2025-08-18T05:59:00Z');
    expect(await h.app.dailyTick()).toBe(0);
    now = new Date('2025-08-18T06:01:00Z');
    expect(await h.app.dailyTick()).toBe(1);
    const posts = fake.posts(GENERAL);
    expect(posts.map((p) => p.metadata?.event_payload.kind)).toEqual(['notice', 'story']);
    expect(posts[0]!.text).toBe('Daily digest for 2025-08-18: 1 top story');
    expect(fake.replies(GENERAL, posts[1]!.ts).length).toBeGreaterThan(0);
    expect(await h.app.dailyTick()).toBe(0);
    expect(fake.posts(GENERAL)).toHaveLength(2);
  });
});
