/**
 * Slack installs in HTTP mode, through real Bolt against the fake Web API: what a workspace without an
 * installation is told, what an install does for channels its absence paused, and a cancelled install.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import { createSlackAdapter, type SlackRuntime } from '../../src/platforms/slack/index.js';
import { FakeSlack, signedRequest } from '../fakes/slack.js';

const SECRET = 'fake-signing-secret';
const OAUTH_ENV = {
  SLACK_CLIENT_ID: '111.222',
  SLACK_CLIENT_SECRET: 'client-secret',
  SLACK_STATE_SECRET: 'state-secret',
  SLACK_SIGNING_SECRET: SECRET,
};

describe('Slack installs', () => {
  let fake: FakeSlack;
  let slack: SlackRuntime | undefined;
  let app: App | undefined;
  let oauthServer: Server | undefined;

  beforeEach(async () => {
    fake = new FakeSlack({ tsBase: Math.floor(Date.now() / 1000) });
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

  async function startOAuth(apiUrl: string) {
    slack = await createSlackAdapter({
      config: {
        fetch: parseConfig({}).fetch,
        slack: { mode: 'http', port: 0, delivery: { attempts: 2, backoffMs: 5, timeoutMs: 1000 } },
      },
      env: { ...OAUTH_ENV, SLACK_API_URL: apiUrl },
      logger: silentLogger,
    });
    app = new App(parseConfig({ store: 'memory://', sinks: { console: { enabled: false } } }), {
      logger: silentLogger,
      adapters: [slack.adapter],
    });
    slack.attach(app);
    await app.init();
    return (await slack.start()).port;
  }

  /** A stand-in for oauth.v2.access and auth.test (not part of the fake). */
  async function oauthStandIn(): Promise<string> {
    oauthServer = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/api/oauth.v2.access') {
        res.end(
          JSON.stringify({
            ok: true,
            app_id: 'A0APP',
            authed_user: { id: 'U0ADMIN' },
            scope: 'commands,chat:write',
            token_type: 'bot',
            access_token: 'xoxb-installed-123456',
            bot_user_id: 'U0BOT',
            team: { id: 'T0NEW', name: 'New' },
            enterprise: null,
            is_enterprise_install: false,
          }),
        );
      } else res.end(JSON.stringify({ ok: true, bot_id: 'B0NEW', user_id: 'U0BOT', team_id: 'T0NEW' }));
    });
    await new Promise<void>((resolve) => oauthServer!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(oauthServer.address() as AddressInfo).port}/api/`;
  }

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
      await app!.channels.save({ ...created, paused: { reason, at: '2026-01-01T00:00:00.000Z' } });
      return created.key;
    };
    const uninstalled = await pause('T0NEW', 'C0ONE', 'Threadline is not installed in Slack workspace T0NEW');
    const revoked = await pause(
      'T0NEW',
      'C0TWO',
      "the app's token is no longer valid; reinstall the app (invalid_auth)",
    );
    const archived = await pause('T0NEW', 'C0OLD', 'the channel is archived (is_archived)');
    const elsewhere = await pause('T0ELSE', 'C0ONE', 'Threadline is not installed in Slack workspace T0ELSE');
    // The OAuth flow as a browser runs it: the install page, then Slack's redirect back with a code.
    const install = await fetch(`http://127.0.0.1:${port}/slack/install`, { redirect: 'manual' });
    const state = new URL(install.headers.get('location')!).searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
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

  it('cancelling the install (error=access_denied) is not answered as a server error', async () => {
    const port = await startOAuth(await oauthStandIn());
    const install = await fetch(`http://127.0.0.1:${port}/slack/install`, { redirect: 'manual' });
    const state = new URL(install.headers.get('location')!).searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;
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
