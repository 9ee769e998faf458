import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, readSecrets } from '../src/config/load.js';
import { quietHoldMinutes } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { tempDir } from './helpers/temp.js';

function tempYaml(text: string): string {
  const file = join(tempDir('threadline-config-'), 'c.yaml');
  writeFileSync(file, text);
  return file;
}

describe('config', () => {
  it('loads the shipped defaults: SQLite store under ./data and the console sink', () => {
    const config = loadConfig(undefined, {});
    expect(config.store).toBe('sqlite://./data/threadline.sqlite');
    expect(config.sinks.console.enabled).toBe(true);
    expect(config.feeds.length).toBeGreaterThan(3);
    expect(config.feeds.every((f) => f.url.startsWith('https://') && f.name)).toBe(true);
    expect(config.sinks.console.minSources).toBe(2);
  });

  it('merges a user file over the defaults and lets THREADLINE_STORE override the store', () => {
    const file = tempYaml(
      'feeds:\n  - url: https://example.com/rss\n    name: Example\nfetch:\n  timeoutMs: 2000\n',
    );
    const config = loadConfig(file, { THREADLINE_STORE: 'memory://' });
    expect(config.feeds).toEqual([
      { url: 'https://example.com/rss', name: 'Example', kind: 'report', fetchArticles: true },
    ]);
    expect(config.fetch.timeoutMs).toBe(2000);
    expect(config.fetch.maxRedirects).toBe(5);
    expect(config.store).toBe('memory://');
  });

  it('names the bad key when a value is invalid', () => {
    expect(() => parseConfig({ fetch: { timeoutMs: 'soon' } })).toThrow(/"fetch\.timeoutMs"/);
    expect(() => parseConfig({ feeds: [{ url: 'ftp://x.example/feed' }] })).toThrow(/"feeds\.0\.url"/);
    expect(() => parseConfig({ pollCron: 'every minute' })).toThrow(/"pollCron": not a valid cron/);
    expect(() => parseConfig({ store: 'mysql://x' })).toThrow(/"store"/);
    expect(() => parseConfig({ cluster: { windowHours: 96, retentionDays: 2 } })).toThrow(
      /"cluster\.retentionDays": must cover cluster\.windowHours/,
    );
    expect(() =>
      parseConfig({ cluster: { windowHours: 2, retentionDays: 1 }, updates: { quietHoldMinutes: 180 } }),
    ).toThrow(/"updates\.quietHoldMinutes": must be shorter than cluster\.windowHours/);
    expect(() => parseConfig({ updates: { quietHoldMinutes: -5 } })).toThrow(/"updates\.quietHoldMinutes"/);
    // A range with no prefix length once allowed every address; now it names the entry and says why.
    expect(() => parseConfig({ fetch: { allowPrivate: ['feeds.internal', '10.0.0.0/'] } })).toThrow(
      /"fetch\.allowPrivate\.1": "10\.0\.0\.0\/": the prefix length after the \/ must be a number from 0 to 32/,
    );
    expect(
      parseConfig({ fetch: { allowPrivate: ['10.0.0.0/8', '[fd00::1]'] } }).fetch.allowPrivate,
    ).toHaveLength(2);
    // Unset, the hold is three hours, or half a shorter window.
    expect(quietHoldMinutes(parseConfig({}))).toBe(180);
    expect(quietHoldMinutes(parseConfig({ cluster: { windowHours: 2, retentionDays: 1 } }))).toBe(60);
    expect(quietHoldMinutes(parseConfig({ updates: { quietHoldMinutes: 0 } }))).toBe(0);
  });

  it('names unknown keys, so typos do not pass silently', () => {
    expect(() => parseConfig({ fetch: { timeoutMS: 10 } })).toThrow(/unknown key "fetch\.timeoutMS"/);
    expect(() => parseConfig({ feds: [] })).toThrow(ConfigError);
    expect(() =>
      parseConfig({ feeds: [{ url: 'https://a.example/rss', nmae: 'A', knd: 'opinion' }] }),
    ).toThrow(/unknown key "feeds\.0\.nmae", "feeds\.0\.knd"/);
  });

  it('refuses a feed URL with a user name or password, without repeating it', () => {
    const attempt = () => parseConfig({ feeds: [{ url: 'https://alice:Passw0rd@a.example/rss' }] });
    expect(attempt).toThrow(/"feeds\.0\.url": must not carry a user name or password/);
    expect(attempt).not.toThrow(/Passw0rd/);
  });

  it('says when a bad store comes from THREADLINE_STORE', () => {
    expect(() => loadConfig(undefined, { THREADLINE_STORE: 'mysql://db.example/x' })).toThrow(
      /"store": .*\(the store is set by THREADLINE_STORE\)/,
    );
  });

  it('refuses an unknown LOG_LEVEL in one line', () => {
    expect(() => createLogger('verbose')).toThrow(ConfigError);
    expect(() => createLogger('verbose')).toThrow(/LOG_LEVEL "verbose" is not a log level/);
    expect(createLogger('silent').level).toBe('silent');
  });

  it('reports unreadable and malformed files clearly', () => {
    expect(() => loadConfig('/nonexistent/threadline.yaml', {})).toThrow(/config file not found/);
    expect(() => loadConfig(tempYaml('feeds: [\n'), {})).toThrow(/not valid YAML/);
  });

  it('reads secrets only from the environment, ignoring blanks', () => {
    const secrets = readSecrets({ DISCORD_TOKEN: ' abc ', SLACK_BOT_TOKEN: '' });
    expect(secrets.discordToken).toBe('abc');
    expect(secrets.slackBotToken).toBeUndefined();
  });
});
