import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Installation } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import {
  createSlackAdapter,
  KeyvInstallationStore,
  type SlackRuntime,
} from '../../src/platforms/slack/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { FakeSlack, signedRequest } from '../fakes/slack.js';
import { storyDigest } from './fixture.js';

const SECRET = 'fake-signing-secret';
const OAUTH_ENV = {
  SLACK_CLIENT_ID: '111.222',
  SLACK_CLIENT_SECRET: 'client-secret',
  SLACK_STATE_SECRET: 'state-secret',
  SLACK_SIGNING_SECRET: SECRET,
};

function teamInstall(teamId: string, token: string, userId = 'U0ADMIN'): Installation<'v2', false> {
  return {
    team: { id: teamId, name: 'Team' },
    enterprise: undefined,
    user: { id: userId, token: `xoxp-${teamId}`, scopes: ['identify'] },
    bot: { id: 'B0BOT', userId: 'U0BOT', token, scopes: ['chat:write', 'commands'] },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A0APP',
    authVersion: 'v2',
  };
}

function orgInstall(enterpriseId: string, token: string): Installation<'v2', true> {
  return {
    team: undefined,
    enterprise: { id: enterpriseId, name: 'Org' },
    user: { id: 'U0ORG', token: undefined, scopes: undefined },
    bot: { id: 'B0ORG', userId: 'U0ORGBOT', token, scopes: ['chat:write'] },
    isEnterpriseInstall: true,
    authVersion: 'v2',
  };
}

describe('KeyvInstallationStore', () => {
  let store: Store;
  let installs: KeyvInstallationStore;

  beforeEach(() => {
    store = openStore('memory://');
    installs = new KeyvInstallationStore(() => store);
  });

  afterEach(() => store.close());

  it('stores, fetches and deletes workspace installs by team id', async () => {
    await installs.storeInstallation(teamInstall('T1', 'xoxb-1'));
    await installs.storeInstallation(teamInstall('T2', 'xoxb-2'));
    const query = { teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false } as const;
    expect((await installs.fetchInstallation(query)).bot?.token).toBe('xoxb-1');
    expect(await store.ns('installations').get('team:T1')).toMatchObject({ team: { id: 'T1' } });
    await installs.deleteInstallation(query);
    await expect(installs.fetchInstallation(query)).rejects.toThrow('Threadline is not installed in team T1');
    expect(await installs.botTokenFor('T2')).toBe('xoxb-2');
  });

  it('keys org-wide installs by enterprise id, and finds their token for any workspace of the org', async () => {
    await installs.storeInstallation(orgInstall('E1', 'xoxb-org'));
    const query = { teamId: undefined, enterpriseId: 'E1', isEnterpriseInstall: true } as const;
    expect((await installs.fetchInstallation(query)).bot?.token).toBe('xoxb-org');
    // A workspace of the org has no install of its own; it is found once a command revealed its org.
    const asTeam = { teamId: 'T9', enterpriseId: 'E1', isEnterpriseInstall: false } as const;
    await expect(installs.fetchInstallation(asTeam)).rejects.toThrow();
    expect(await installs.botTokenFor('T9')).toBeUndefined();
    await installs.noteOrgWorkspace('T9', 'E1');
    expect(await installs.botTokenFor('T9')).toBe('xoxb-org');
    await installs.deleteInstallation(query);
    expect(await installs.botTokenFor('T9')).toBeUndefined();
  });

  it('a workspace inside an org with its own install is keyed by team, not by enterprise', async () => {
    await installs.storeInstallation({ ...teamInstall('T3', 'xoxb-3'), enterprise: { id: 'E2' } });
    expect(await store.ns('installations').get('team:T3')).toBeDefined();
    expect(await store.ns('installations').get('enterprise:E2')).toBeUndefined();
    expect(
      (await installs.fetchInstallation({ teamId: 'T3', enterpriseId: 'E2', isEnterpriseInstall: false })).bot
        ?.token,
    ).toBe('xoxb-3');
  });

  it("deleting with a user id drops only that user's token and keeps the bot", async () => {
    await installs.storeInstallation(teamInstall('T4', 'xoxb-4', 'U4'));
    const query = { teamId: 'T4', enterpriseId: undefined, isEnterpriseInstall: false } as const;
    await installs.deleteInstallation({ ...query, userId: 'U-someone-else' });
    expect((await installs.fetchInstallation(query)).user.token).toBe('xoxp-T4');
    await installs.deleteInstallation({ ...query, userId: 'U4' });
    const kept = await installs.fetchInstallation(query);
    expect([kept.user.token, kept.bot?.token]).toEqual([undefined, 'xoxb-4']);
  });
});

describe('multi-workspace OAuth install through Bolt', () => {
  let fake: FakeSlack;
  let slack: SlackRuntime | undefined;
  let app: App | undefined;
  let oauthServer: Server | undefined;

  beforeEach(async () => {
    fake = new FakeSlack();
    await fake.start();
  });

  afterEach(async () => {
    await slack?.stop();
    await app?.stop();
    slack = undefined;
    app = undefined;
    await new Promise<void>((resolve) => (oauthServer ? oauthServer.close(() => resolve()) : resolve()));
    oauthServer = undefined;
    await fake.stop();
  });

  async function startOAuth(apiUrl: string): Promise<number> {
    slack = await createSlackAdapter({
      config: { fetch: parseConfig({}).fetch, slack: { mode: 'http', port: 0 } },
      env: { ...OAUTH_ENV, SLACK_API_URL: apiUrl },
      logger: silentLogger,
    });
    expect(slack.auth).toBe('oauth');
    const config = parseConfig({ store: 'memory://', sinks: { console: { enabled: false } } });
    app = new App(config, { logger: silentLogger, adapters: [slack.adapter] });
    slack.attach(app);
    await app.init();
    return (await slack.start()).port!;
  }

  /**
   * oauth.v2.access is not part of the fake: a small stand-in answers it (and the auth.test after it), installing
   * workspace T0NEW. Returns its API URL; the paths asked for go to `seen`.
   */
  async function oauthStandIn(seen: string[] = []): Promise<string> {
    oauthServer = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/api/oauth.v2.access') {
        res.end(
          JSON.stringify({
            ok: true,
            app_id: 'A0APP',
            authed_user: { id: 'U0ADMIN' },
            scope: 'commands,chat:write',
            token_type: 'bot',
            access_token: 'xoxb-installed',
            bot_user_id: 'U0BOT',
            team: { id: 'T0NEW', name: 'New Team' },
            enterprise: null,
            is_enterprise_install: false,
          }),
        );
      } else res.end(JSON.stringify({ ok: true, bot_id: 'B0NEW', user_id: 'U0BOT', team_id: 'T0NEW' }));
    });
    await new Promise<void>((resolve) => oauthServer!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(oauthServer.address() as AddressInfo).port}/api/`;
  }

  /** Opens the install page as a browser does: the state Slack will send back, and the cookie that goes with it. */
  async function beginInstall(port: number): Promise<{ state: string; cookie: string }> {
    const install = await fetch(`http://127.0.0.1:${port}/slack/install`, { redirect: 'manual' });
    const state = new URL(install.headers.get('location')!).searchParams.get('state')!;
    return { state, cookie: install.headers.get('set-cookie')!.split(';')[0]! };
  }

  it('install page redirects to Slack; the redirect exchanges the code and keeps the install in our store', async () => {
    const seen: string[] = [];
    const port = await startOAuth(await oauthStandIn(seen));

    const install = await fetch(`http://127.0.0.1:${port}/slack/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const location = new URL(install.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(location.searchParams.get('client_id')).toBe('111.222');
    expect(location.searchParams.get('scope')?.split(',')).toContain('chat:write');
    const state = location.searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;

    const callback = await fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=abc&state=${state}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    await callback.text();
    expect(callback.status).toBe(200);
    expect(seen).toContain('/api/oauth.v2.access');
    expect(await app!.store.ns('installations').get('team:T0NEW')).toMatchObject({
      bot: { token: 'xoxb-installed', id: 'B0NEW' },
    });
  });

  it('a signed slash command is authorized from the stored install, and delivery uses its token', async () => {
    const port = await startOAuth(fake.apiUrl);
    await new KeyvInstallationStore(() => app!.store).storeInstallation(
      teamInstall(fake.teamId, fake.botToken),
    );
    const url = `http://127.0.0.1:${port}/slack/events`;
    const res = await signedRequest(url, fake.slashCommandPayload({ command: '/threadline', text: 'list' }), {
      secret: SECRET,
    });
    expect(res.status).toBe(200);
    await fake.waitFor(() => fake.responses.length === 1);
    expect(fake.responses[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Feeds: none'),
    });

    const channel = await app!.channels.getOrCreate('slack', fake.teamId, 'C0GENERAL');
    const ref = await slack!.adapter.postStory(channel, storyDigest(), 'k1');
    expect(fake.posts('C0GENERAL')[0]).toMatchObject({ ts: ref.parentId });
    expect(fake.calls('chat.postMessage').every((c) => c.token === fake.botToken)).toBe(true);

    // Uninstalling drops the installation; later deliveries there are refused.
    const uninstall = await signedRequest(
      url,
      JSON.stringify(fake.eventCallback({ type: 'app_uninstalled' })),
      {
        secret: SECRET,
        contentType: 'application/json',
      },
    );
    expect(uninstall.status).toBe(200);
    // The event is acked before the listener runs, so wait for its effect.
    const installed = async () =>
      (await app!.store.ns('installations').get(`team:${fake.teamId}`)) !== undefined;
    for (let i = 0; i < 200 && (await installed()); i++) await new Promise((r) => setTimeout(r, 5));
    expect(await installed()).toBe(false);
    await expect(slack!.adapter.postStory(channel, storyDigest(), 'k3')).rejects.toMatchObject({
      kind: 'forbidden',
    });

    // A workspace without an install cannot be delivered to; that pauses its channels.
    const elsewhere = await app!.channels.getOrCreate('slack', 'T0OTHER', 'C0GENERAL');
    await expect(slack!.adapter.postStory(elsewhere, storyDigest(), 'k2')).rejects.toMatchObject({
      kind: 'forbidden',
    });
  });

  it("a reinstall delivers with the new token and lets the old token's client go", async () => {
    await startOAuth(fake.apiUrl);
    const installs = new KeyvInstallationStore(() => app!.store);
    await installs.storeInstallation(teamInstall(fake.teamId, 'xoxb-revoked-token'));
    const channel = await app!.channels.getOrCreate('slack', fake.teamId, 'C0GENERAL');
    await expect(slack!.adapter.postStory(channel, storyDigest(), 'k1')).rejects.toMatchObject({
      kind: 'forbidden',
    });
    await installs.storeInstallation(teamInstall(fake.teamId, fake.botToken));
    const ref = await slack!.adapter.postStory(channel, storyDigest(), 'k1');
    expect(fake.posts('C0GENERAL')[0]).toMatchObject({ ts: ref.parentId });
    expect(slack!.adapter.clients).toBe(1);
    // Uninstalled: nothing is held for the workspace.
    await installs.deleteInstallation({
      teamId: fake.teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    await expect(slack!.adapter.postStory(channel, storyDigest(), 'k2')).rejects.toMatchObject({
      kind: 'forbidden',
    });
    expect(slack!.adapter.clients).toBe(0);
  });

  it('a Slack Connect channel set up from one workspace is the same channel from the other', async () => {
    const port = await startOAuth(fake.apiUrl);
    const installs = new KeyvInstallationStore(() => app!.store);
    await installs.storeInstallation(teamInstall(fake.teamId, fake.botToken));
    await installs.storeInstallation(teamInstall('T0PARTNER', fake.botToken));
    // Set up from the home workspace: it follows a feed.
    const home = await app!.channels.getOrCreate('slack', fake.teamId, 'C0GENERAL');
    await app!.channels.save({ ...home, feeds: [{ url: 'https://wire.example/rss' }] });
    // A member of the partner workspace asks in the same channel.
    const url = `http://127.0.0.1:${port}/slack/events`;
    const asked = await signedRequest(
      url,
      fake.slashCommandPayload({ command: '/threadline', text: 'list', team_id: 'T0PARTNER' }),
      { secret: SECRET },
    );
    expect(asked.status).toBe(200);
    await fake.waitFor(() => fake.responses.length === 1);
    expect(fake.responses[0]!.body).toMatchObject({
      text: expect.stringContaining('https://wire.example/rss'),
    });
    const changed = await signedRequest(
      url,
      fake.slashCommandPayload({ command: '/threadline', text: 'digest 07:30 UTC', team_id: 'T0PARTNER' }),
      { secret: SECRET },
    );
    expect(changed.status).toBe(200);
    await fake.waitFor(() => fake.responses.length === 2);
    const channels = await app!.channels.list('slack');
    expect(channels.map((c) => [c.key, c.digestTime])).toEqual([[home.key, '07:30']]);
  });

  it('a slash command from a workspace with no stored installation gets a clear answer, not silence', async () => {
    const port = await startOAuth(fake.apiUrl);
    const res = await signedRequest(
      `http://127.0.0.1:${port}/slack/events`,
      fake.slashCommandPayload({ command: '/threadline', text: 'list' }),
      { secret: SECRET },
    );
    expect(res.status).toBe(200);
    await fake.waitFor(() => fake.responses.length > 0);
    expect(fake.responses.map((r) => r.body)).toEqual([
      {
        response_type: 'ephemeral',
        text: expect.stringMatching(
          /^:warning: Threadline is not installed in this workspace, or its installation was lost\./,
        ),
      },
    ]);
  });

  it('an install resumes the channels its absence paused, and only those', async () => {
    const port = await startOAuth(await oauthStandIn());
    const pause = async (workspace: string, channelId: string, reason: string) => {
      const created = await app!.channels.getOrCreate('slack', workspace, channelId);
      // A channel set up to follow something: one that follows nothing is not listed, and nothing goes to it.
      await app!.channels.save({
        ...created,
        topics: ['ukraine'],
        paused: { reason, at: '2026-01-01T00:00:00.000Z' },
      });
      return created.key;
    };
    const uninstalled = await pause('T0NEW', 'C0ONE', 'Threadline is not installed in Slack workspace T0NEW');
    const revoked = await pause(
      'T0NEW',
      'C0TWO',
      "the app's token is no longer valid; reinstall the app (invalid_auth)",
    );
    const archived = await pause('T0NEW', 'C0OLD', 'the channel is archived (is_archived)');
    const elsewhere = await pause(
      'T0ELSE',
      'C0ELSE',
      'Threadline is not installed in Slack workspace T0ELSE',
    );
    // The OAuth flow as a browser runs it: the install page, then Slack's redirect back with a code.
    const { state, cookie } = await beginInstall(port);
    const done = await fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=c1&state=${state}`, {
      headers: { cookie },
    });
    expect(done.status).toBe(200);
    const paused = async (key: string) => (await app!.channels.get(key))?.paused?.reason;
    expect(await paused(uninstalled)).toBeUndefined();
    expect(await paused(revoked)).toBeUndefined();
    expect(await paused(archived)).toMatch(/archived/);
    expect(await paused(elsewhere)).toMatch(/T0ELSE/);
  });

  it('an install link works once: the same callback again, or a forged state, installs nothing', async () => {
    const seen: string[] = [];
    const port = await startOAuth(await oauthStandIn(seen));
    const { state, cookie } = await beginInstall(port);
    const callback = () =>
      fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=c1&state=${state}`, { headers: { cookie } });
    expect((await callback()).status).toBe(200);
    const again = await callback();
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(
      /^Threadline was not installed: the install link was used already \(an install link works once, for ten minutes, in the browser that opened it\)\. Start again/,
    );
    const [body] = state.split('.');
    const forged = `${body}.${'A'.repeat(43)}`;
    const refused = await fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=c2&state=${forged}`, {
      headers: { cookie: `slack-app-oauth-state=${forged}` },
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/the state parameter was not made by this app/);
    expect(seen.filter((p) => p === '/api/oauth.v2.access')).toHaveLength(1);
  });

  it('cancelling the install (error=access_denied) is not answered as a server error', async () => {
    const port = await startOAuth(await oauthStandIn());
    const { state, cookie } = await beginInstall(port);
    const res = await fetch(
      `http://127.0.0.1:${port}/slack/oauth_redirect?error=access_denied&state=${state}`,
      {
        headers: { cookie },
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(
      'Threadline was not installed: the installation was cancelled (access_denied).',
    );
  });
});
