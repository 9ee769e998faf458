import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { loggableUrl, secretValues, withoutSecrets } from '../src/util/redact.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.FAKEdiscordTOK.abcdefFAKEFAKE';

function file(name: string, text: string): string {
  const f = join(tempDir('threadline-secrets-'), name);
  writeFileSync(f, text);
  return f;
}

/** Answers every request with `status` and a JSON body echoing the request (a misbehaving proxy or fake). */
let echo: Server;
let echoPort = 0;
beforeAll(async () => {
  echo = createServer((req, res) => {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ code: 0, message: `echo ${JSON.stringify({ url: req.url, headers: req.headers })}` }),
    );
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

describe('secrets are never printed', () => {
  it('start: a Discord API error that echoes the request does not print DISCORD_TOKEN', async () => {
    // Asynchronous: the echo server lives in this process and must answer while the CLI runs.
    const child = spawn(
      resolve('node_modules/.bin/tsx'),
      [resolve('src/cli.ts'), 'start', '-c', file('c.yaml', 'feeds: []\n')],
      {
        env: {
          ...process.env,
          LOG_LEVEL: 'info',
          THREADLINE_STORE: 'memory://',
          DISCORD_TOKEN,
          DISCORD_API_URL: `http://127.0.0.1:${echoPort}`,
        },
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const status = await new Promise<number | null>((r) => child.on('close', r));
    expect(status).toBe(1);
    expect(out).toMatch(/Discord: cannot connect/);
    expect(out).not.toContain('FAKEdiscordTOK');
  }, 60_000);

  it('poll: a feed URL carrying an access key is not written to the log in full', () => {
    const cfg = file(
      'c.yaml',
      'feeds:\n  - url: http://127.0.0.1:1/feed.xml?token=s3cretFEEDKEY\nfetch:\n  allowPrivate: ["127.0.0.1"]\n',
    );
    const r = runCli(['poll', '-c', cfg], { env: { THREADLINE_STORE: 'memory://', LOG_LEVEL: 'info' } });
    expect(r.stderr).toMatch(/feed poll failed/);
    expect(r.stdout + r.stderr).not.toContain('s3cretFEEDKEY');
  });

  it('createLogger redacts tokens nested in error objects (config.headers, request, data)', () => {
    const T = 'xoxb-FAKE-SECRET-123';
    const script = file(
      'log.mts',
      `import { createLogger } from ${JSON.stringify(resolve('src/log.ts'))};
const log = createLogger('info');
const T = ${JSON.stringify(T)};
const a = Object.assign(new Error('axios-like'), { config: { url: 'https://slack.com/api/x', headers: { Authorization: 'Bearer ' + T } } });
const b = Object.assign(new Error('request'), { request: { _header: 'GET / HTTP/1.1\\r\\nAuthorization: Bot ' + T + '\\r\\n' } });
const c = Object.assign(new Error('platform'), { data: { ok: false, error: 'invalid_auth', token: T } });
log.error({ err: a }, 'a'); log.error({ err: b }, 'b'); log.error({ err: c }, 'c');
`,
    );
    const r = spawnSync(resolve('node_modules/.bin/tsx'), [script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toMatch(/"msg":"c"/);
    expect(r.stderr).not.toContain(T);
  });
});

describe('clear errors for bad settings', () => {
  it('poll with an unreachable Redis store reports the store error, not a stack trace from shutdown', () => {
    const r = runCli(['poll', '-c', file('c.yaml', 'feeds: []\n')], {
      env: { THREADLINE_STORE: 'redis://user:s3cretpw@127.0.0.1:1/0' },
    });
    expect(r.stderr).toMatch(/cannot reach the Redis store at redis:\/\/user:\*\*\*@127\.0\.0\.1:1\/0/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(1);
  });

  it('a store URL that is not a valid URL is a config error naming the store, not a TypeError', () => {
    const r = runCli(['poll', '-c', file('c.yaml', 'feeds: []\n')], {
      env: { THREADLINE_STORE: 'redis://user:s3cretpw@127.0.0.1:port/0' },
    });
    expect(r.stderr).toMatch(/store/);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(r.stderr).not.toContain('s3cretpw');
    expect(r.status).toBe(1);
  });

  it('an invalid DISCORD_API_URL is a one-line error naming the variable', () => {
    const r = runCli(['start', '-c', file('c.yaml', 'feeds: []\n')], {
      env: { THREADLINE_STORE: 'memory://', DISCORD_TOKEN, DISCORD_API_URL: 'notaurl' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/DISCORD_API_URL/);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
  });

  it('a store URL with a password in a config file is refused (secrets come from the environment only)', () => {
    const cfg = file('c.yaml', 'store: "redis://user:s3cretpw@127.0.0.1:6379/0"\n');
    expect(() => loadConfig(cfg, {})).toThrow(ConfigError);
    expect(() => loadConfig(cfg, {})).toThrow(/store/);
  });

  it('a config file that is not a mapping is refused even when THREADLINE_STORE is set', () => {
    const cfg = file('c.yaml', '- just\n- a list\n');
    expect(() => loadConfig(cfg, { THREADLINE_STORE: 'memory://' })).toThrow(ConfigError);
  });

  it('LOG_LEVEL names inherited from Object.prototype are not log levels', () => {
    expect(() => createLogger('toString')).toThrow(ConfigError);
    expect(() => createLogger('constructor')).toThrow(ConfigError);
  });

  it('a YAML error names the place, not the line, which may hold a secret', () => {
    const cfg = file('c.yaml', 'store: redis://u:s3cretpw@h: x\n');
    expect(() => loadConfig(cfg, {})).toThrow(/is not valid YAML: .*line 1/);
    expect(() => loadConfig(cfg, {})).not.toThrow(/s3cretpw/);
  });
});

describe('redaction', () => {
  it('takes out the secrets of the environment, escaped as JSON too, and token shapes from anywhere', () => {
    const env = {
      SLACK_SIGNING_SECRET: 'sign"ing\\secret42',
      DISCORD_TOKEN: DISCORD_TOKEN,
      SLACK_STATE_SECRET: 'short',
      THREADLINE_STORE: 'postgres://u:p%40ssw0rd!x@db/threadline',
    };
    const secrets = secretValues(env);
    const line = JSON.stringify({
      msg: `sign"ing\\secret42 ${DISCORD_TOKEN} p@ssw0rd!x p%40ssw0rd!x short`,
      header: 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345',
      workspaceToken: 'xoxb-1234-5678-abcdefghijkl',
      app: 'xapp-1-A0123-456-abcdef',
    });
    const out = withoutSecrets(line, secrets);
    expect(JSON.parse(out)).toEqual({
      msg: '[secret] [secret] [secret] [secret] short',
      header: 'Authorization: [secret]',
      workspaceToken: '[secret]',
      app: '[secret]',
    });
    // Ordinary text is left alone.
    expect(withoutSecrets('Bot started; 3 feeds polled in 0.5 s', secrets)).toBe(
      'Bot started; 3 feeds polled in 0.5 s',
    );
  });

  it('logs a URL without credentials or query values, keeping the parameter names', () => {
    expect(loggableUrl('https://news.example/feed.xml?token=abc123&format=rss')).toBe(
      'https://news.example/feed.xml?token=…&format=…',
    );
    expect(loggableUrl('https://u:pw@news.example/feed.xml')).toBe('https://news.example/feed.xml');
    expect(loggableUrl('https://news.example/feed.xml')).toBe('https://news.example/feed.xml');
  });
});
