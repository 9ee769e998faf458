import type { AddressInfo } from 'node:net';
import { App, LogLevel, SocketModeReceiver, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack, signedRequest } from './slack.js';

const SECRET = 'fake-signing-secret';
const GENERAL = 'C0GENERAL';

describe('FakeSlack against the real Bolt', () => {
  let fake: FakeSlack;
  let apps: App[];

  beforeEach(async () => {
    fake = new FakeSlack({
      channels: [
        { id: GENERAL, name: 'general' },
        { id: 'C0OUTSIDE', name: 'outside', isMember: false },
        { id: 'C0SECRET', name: 'secret', isPrivate: true, isMember: false },
      ],
    });
    await fake.start();
    apps = [];
  });

  afterEach(async () => {
    // Apps first: a socket the fake closes under a running app makes it reconnect.
    for (const app of apps) await app.stop();
    await fake.stop();
  });

  /** A web-api client on the fake whose retries wait 10 ms instead of p-retry's default 1-2 s. */
  function webClient(options: ConstructorParameters<typeof webApi.WebClient>[1] = {}) {
    return new webApi.WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logLevel: webApi.LogLevel.ERROR,
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 10 },
      ...options,
    });
  }

  it('HTTP mode: signed slash command reaches the listener, ack is the HTTP body, respond() reaches response_url', async () => {
    const app = new App({
      token: fake.botToken,
      signingSecret: SECRET,
      port: 0,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    apps.push(app);
    const seen: string[] = [];
    app.command('/story', async ({ command, ack, respond }) => {
      seen.push(command.text);
      await ack({ response_type: 'ephemeral', text: `Looking up ${command.text}` });
      await respond({ text: 'Here it is', replace_original: false });
    });
    const server = await app.start();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

    const form = fake.slashCommandPayload({ command: '/story', text: 'climate' });
    const ok = await signedRequest(url, form, { secret: SECRET });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ response_type: 'ephemeral', text: 'Looking up climate' });
    await fake.waitFor(() => fake.responses.length === 1);
    expect(fake.responses[0]).toEqual({
      url: form.response_url,
      status: 200,
      body: { text: 'Here it is', replace_original: false },
    });

    const bad = await signedRequest(url, form, { secret: SECRET, badSignature: true });
    expect(bad.status).toBe(401);
    const stale = await signedRequest(url, form, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    expect(seen).toEqual(['climate']);
    // The constructor fired auth.test without awaiting it; authorizing the command waited for it.
    expect(fake.calls('auth.test')).toMatchObject([{ token: fake.botToken, status: 200 }]);
  });

  it('a bad bot token only surfaces through deferInitialization + init()', async () => {
    // Without deferInitialization the constructor's auth.test rejection is unhandled.
    const app = new App({
      token: 'xoxb-revoked',
      signingSecret: SECRET,
      deferInitialization: true,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    await expect(app.init()).rejects.toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
  });

  it('Socket Mode: App clientOptions reach the socket client; a slash command envelope is acked and handled', async () => {
    const app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    apps.push(app);
    app.command('/story', async ({ command, ack, client }) => {
      await ack({ text: 'on it' });
      await client.chat.postMessage({ channel: command.channel_id, text: `story: ${command.text}` });
    });
    const mentions: string[] = [];
    app.event('app_mention', async ({ event }) => {
      mentions.push(event.text);
    });
    await app.start();
    expect(fake.calls('apps.connections.open')).toMatchObject([{ token: fake.appToken, status: 200 }]);
    expect(fake.socketOpen).toBe(true);

    const ack = await fake.sendSlashCommand({ command: '/story', text: 'elections' });
    expect(ack).toEqual({ envelope_id: expect.any(String), payload: { text: 'on it' } });
    await fake.waitFor(() => fake.posts(GENERAL).length === 1);
    expect(fake.posts(GENERAL)[0]).toMatchObject({ text: 'story: elections', user: fake.botUserId });
    // Listener clients are per-team copies, so Bolt adds team_id to every call they make.
    expect(fake.calls('chat.postMessage')[0]?.body).toMatchObject({ team_id: fake.teamId });

    const eventAck = await fake.sendEvent({
      type: 'app_mention',
      user: 'U0ADMIN',
      text: `<@${fake.botUserId}> hi`,
      channel: GENERAL,
      ts: '1700000001.000100',
    });
    expect(eventAck.payload).toEqual({});
    expect(mentions).toEqual([`<@${fake.botUserId}> hi`]);

    await app.stop();
    apps = [];
    // Bolt's stop() does not wait for the close handshake; the socket still closes from the client side.
    await fake.waitFor(() => !fake.socketOpen, 1000);
  });

  it('Socket Mode: disconnect makes the client reconnect with a fresh ticket; server pings get pongs', async () => {
    const receiver = new SocketModeReceiver({
      appToken: fake.appToken,
      // The reconnect delay is clientPingTimeout x consecutive failures (5 s by default).
      clientPingTimeout: 500,
      installerOptions: { clientOptions: { slackApiUrl: fake.apiUrl } },
      logLevel: LogLevel.ERROR,
    });
    const app = new App({
      token: fake.botToken,
      receiver,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    apps.push(app);
    app.command('/story', async ({ ack }) => {
      await ack();
    });
    await app.start();
    fake.ping();
    await fake.waitFor(() => fake.pongs === 1);

    fake.sendDisconnect('refresh_requested');
    await fake.waitFor(() => fake.socketConnections === 2 && fake.socketOpen);
    expect(fake.calls('apps.connections.open')).toHaveLength(2);
    const ack = await fake.sendSlashCommand({ command: '/story' });
    expect(ack.payload).toEqual({});
  });

  it('an envelope nobody acks rejects after the ack deadline', async () => {
    const app = new App({
      token: fake.botToken,
      appToken: fake.appToken,
      socketMode: true,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logLevel: LogLevel.ERROR,
    });
    apps.push(app);
    app.command('/slow', async () => {
      // never acks
    });
    await app.start();
    await expect(fake.sendSlashCommand({ command: '/slow' }, { ackTimeoutMs: 200 })).rejects.toThrow(
      /no ack/,
    );
  });

  it('chat.postMessage with thread_ts, metadata and unfurl flags is recorded and readable back', async () => {
    const client = webClient();
    const parent = await client.chat.postMessage({
      channel: '#general',
      text: 'Digest',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Digest*' } }],
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: 'threadline_digest', event_payload: { digest_id: 'd1' } },
    });
    expect(parent.channel).toBe(GENERAL);
    expect(parent.ts).toBe('1700000000.000100');
    const reply = await client.chat.postMessage({ channel: GENERAL, text: 'Story 1', thread_ts: parent.ts });
    expect(reply.ts).toBe('1700000000.000200');

    expect(fake.posts(GENERAL)).toHaveLength(1);
    expect(fake.posts(GENERAL)[0]).toMatchObject({
      text: 'Digest',
      unfurl_links: false,
      unfurl_media: false,
      blocks: [{ type: 'section' }],
      metadata: { event_type: 'threadline_digest', event_payload: { digest_id: 'd1' } },
    });
    expect(fake.replies(GENERAL, parent.ts!)).toMatchObject([{ text: 'Story 1', thread_ts: parent.ts }]);

    // Metadata only comes back when asked for, so an adapter must pass include_all_metadata.
    const plain = await client.conversations.history({ channel: GENERAL });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const history = await client.conversations.history({ channel: GENERAL, include_all_metadata: true });
    expect(history.messages).toHaveLength(1);
    expect(history.messages?.[0]).toMatchObject({
      ts: parent.ts,
      reply_count: 1,
      metadata: { event_type: 'threadline_digest' },
    });
    const thread = await client.conversations.replies({ channel: GENERAL, ts: parent.ts! });
    expect(thread.messages?.map((m) => m.text)).toEqual(['Digest', 'Story 1']);

    await client.chat.update({ channel: GENERAL, ts: reply.ts!, text: 'Story 1 (updated)' });
    expect(fake.updates).toEqual([{ channel: GENERAL, ts: reply.ts, text: 'Story 1 (updated)' }]);
    expect(fake.replies(GENERAL, parent.ts!)[0]?.text).toBe('Story 1 (updated)');
  });

  it('history pages newest first with cursors web-api follows; a seeded earlier post is found by metadata', async () => {
    const earlier = fake.seedMessage({
      channel: GENERAL,
      text: 'Digest from before the crash',
      metadata: { event_type: 'threadline_digest', event_payload: { digest_id: 'd0' } },
    });
    fake.seedMessage({ channel: GENERAL, user: 'U0MEMBER', text: 'chatter' });
    fake.seedMessage({ channel: GENERAL, text: 'reply', thread_ts: earlier.ts });
    fake.seedMessage({ channel: GENERAL, user: 'U0ADMIN', text: 'more chatter' });
    const pages: string[][] = [];
    for await (const page of webClient().paginate('conversations.history', {
      channel: GENERAL,
      limit: 2,
      include_all_metadata: true,
    })) {
      pages.push(((page as { messages?: { text: string }[] }).messages ?? []).map((m) => m.text));
    }
    expect(pages).toEqual([['more chatter', 'chatter'], ['Digest from before the crash']]);
    const found = await webClient().conversations.history({ channel: GENERAL, include_all_metadata: true });
    const mine = found.messages?.find(
      (m) =>
        m.bot_id === fake.botId &&
        (m.metadata?.event_payload as Record<string, unknown> | undefined)?.digest_id === 'd0',
    );
    expect(mine).toMatchObject({ ts: earlier.ts, reply_count: 1 });
  });

  it('survives a 429 with Retry-After: 1 with exactly one post', async () => {
    const client = webClient();
    const waits: number[] = [];
    client.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await client.chat.postMessage({ channel: GENERAL, text: 'hello' });
    const elapsed = Date.now() - started;
    expect(waits).toEqual([1]);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(1800);
    expect(fake.calls('chat.postMessage').map((r) => r.status)).toEqual([429, 200]);
    expect(fake.posts(GENERAL)).toHaveLength(1);
  });

  it('Retry-After is read with parseInt: 0.5 s means an immediate retry', async () => {
    const client = webClient();
    fake.failNext('chat.postMessage', { status: 429, retryAfter: '0.5' });
    const started = Date.now();
    await client.chat.postMessage({ channel: GENERAL, text: 'hello' });
    expect(Date.now() - started).toBeLessThan(400);
    expect(fake.posts(GENERAL)).toHaveLength(1);
  });

  it('rejectRateLimitedCalls turns a 429 into WebAPIRateLimitedError without waiting', async () => {
    const client = webClient({ rejectRateLimitedCalls: true });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 });
    await expect(client.chat.postMessage({ channel: GENERAL, text: 'hello' })).rejects.toMatchObject({
      code: webApi.ErrorCode.RateLimitedError,
      retryAfter: 30,
    });
    expect(fake.posts(GENERAL)).toHaveLength(0);
  });

  it('channel errors surface as platform errors with data.error', async () => {
    const client = webClient();
    const platform = (error: string) => ({
      code: webApi.ErrorCode.PlatformError,
      data: { ok: false, error },
    });
    await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toMatchObject(
      platform('channel_not_found'),
    );
    await expect(client.chat.postMessage({ channel: 'C0OUTSIDE', text: 'x' })).rejects.toMatchObject(
      platform('not_in_channel'),
    );
    await expect(client.conversations.info({ channel: 'C0SECRET' })).rejects.toMatchObject(
      platform('channel_not_found'),
    );
    fake.failNext('chat.postMessage', { error: 'ratelimited' });
    await expect(client.chat.postMessage({ channel: GENERAL, text: 'x' })).rejects.toMatchObject(
      platform('ratelimited'),
    );
    const outsider = new webApi.WebClient('xoxb-wrong', {
      slackApiUrl: fake.apiUrl,
      logLevel: webApi.LogLevel.ERROR,
    });
    await expect(outsider.auth.test()).rejects.toMatchObject(platform('invalid_auth'));
    expect(fake.posts(GENERAL)).toHaveLength(0);
  });

  it('failAfterCommit stores the post but answers 500; web-api retries 5xx, which duplicates the post', async () => {
    fake.failAfterCommit('chat.postMessage');
    await expect(
      webClient({ retryConfig: { retries: 0 } }).chat.postMessage({ channel: GENERAL, text: 'once' }),
    ).rejects.toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 500 });
    expect(fake.posts(GENERAL).map((m) => m.text)).toEqual(['once']);

    fake.failAfterCommit('chat.postMessage');
    await webClient().chat.postMessage({ channel: GENERAL, text: 'twice' });
    expect(fake.posts(GENERAL).map((m) => m.text)).toEqual(['once', 'twice', 'twice']);
  });

  it('response_url: in_channel posts show up in the channel, a sixth use and injected faults get 404', async () => {
    const { response_url: url } = fake.slashCommandPayload({ command: '/story' });
    const post = (body: unknown) =>
      fetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ response_type: 'in_channel', text: 'for everyone' })).status).toBe(200);
    expect(fake.posts(GENERAL).map((m) => m.text)).toEqual(['for everyone']);
    for (let i = 0; i < 4; i += 1) expect((await post({ text: `more ${i}` })).status).toBe(200);
    const sixth = await post({ text: 'too many' });
    expect([sixth.status, await sixth.text()]).toEqual([404, 'used_url']);

    const { response_url: other } = fake.slashCommandPayload({ command: '/story' });
    fake.failNext('response_url', { status: 404, body: 'expired_url' });
    const expired = await fetch(other!, { method: 'POST', body: '{"text":"late"}' });
    expect([expired.status, await expired.text()]).toEqual([404, 'expired_url']);
    expect(fake.responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 404, 404]);
  });

  it('users.info, files.info with an authenticated download, conversations.info, views.open', async () => {
    const client = webClient();
    const admin = await client.users.info({ user: 'U0ADMIN' });
    expect(admin.user).toMatchObject({ is_admin: true, is_owner: true });
    const member = await client.users.info({ user: 'U0MEMBER' });
    expect(member.user).toMatchObject({ is_admin: false, is_owner: false });

    const opml = '<?xml version="1.0"?><opml version="2.0"><body/></opml>';
    const added = fake.addFile({ name: 'feeds.opml', content: opml, mimetype: 'text/x-opml' });
    const info = await client.files.info({ file: added.id });
    const url = info.file?.url_private_download ?? '';
    expect(url.startsWith(fake.baseUrl)).toBe(true);
    const download = await fetch(url, { headers: { Authorization: `Bearer ${fake.botToken}` } });
    expect(download.headers.get('content-type')).toBe('text/x-opml');
    expect(await download.text()).toBe(opml);
    // Without the token Slack serves its sign-in page, not an error status.
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('content-type')).toContain('text/html');
    await anonymous.text();

    await client.chat.postEphemeral({ channel: GENERAL, user: 'U0MEMBER', text: 'only you' });
    expect(fake.ephemerals).toMatchObject([{ channel: GENERAL, user: 'U0MEMBER', text: 'only you' }]);

    const channel = await client.conversations.info({ channel: 'C0OUTSIDE' });
    expect(channel.channel).toMatchObject({ id: 'C0OUTSIDE', is_member: false });

    const { trigger_id: triggerId } = fake.slashCommandPayload({ command: '/story' });
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Feeds' },
      blocks: [],
    };
    await client.views.open({ trigger_id: triggerId!, view });
    await expect(client.views.open({ trigger_id: triggerId!, view })).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });
    expect(fake.views).toHaveLength(1);
  });
});
