import { describe, expect, it } from 'vitest';
import { opmlReplies, storyReplies } from '../../src/platforms/slack/commands.js';
import { checkSlackSetup, readSlackSecrets, slackConfigSchema } from '../../src/platforms/slack/config.js';
import { parseManageCommand } from '../../src/platforms/slack/parse.js';
import { bigDigest, storyDigest } from './fixture.js';

describe('management command parsing', () => {
  it.each([
    ['', { op: 'help' }],
    ['help', { op: 'help' }],
    ['LIST', { op: 'list' }],
    ['subscribe https://example.com/rss', { op: 'subscribe-feed', url: 'https://example.com/rss' }],
    ['subscribe feed://example.com/rss', { op: 'subscribe-feed', url: 'http://example.com/rss' }],
    ['subscribe feed:https://example.com/rss', { op: 'subscribe-feed', url: 'https://example.com/rss' }],
    [
      'subscribe <https://example.com/rss|example.com/rss>',
      { op: 'subscribe-feed', url: 'https://example.com/rss' },
    ],
    ['subscribe example.com/feed.xml', { op: 'subscribe-feed', url: 'https://example.com/feed.xml' }],
    ['subscribe bücher.example/feed', { op: 'subscribe-feed', url: 'https://bücher.example/feed' }],
    // Slack sends a typed &, < and > as entities, inside its own links too.
    [
      'subscribe <https://example.com/rss?a=1&amp;b=2>',
      { op: 'subscribe-feed', url: 'https://example.com/rss?a=1&b=2' },
    ],
    ['subscribe topic AT&amp;T', { op: 'subscribe-topic', topic: 'AT&T' }],
    ['unsubscribe &lt;b&gt; news', { op: 'unsubscribe', target: '<b> news' }],
    ['subscribe ukraine security', { op: 'subscribe-topic', topic: 'ukraine security' }],
    ['subscribe topic example.com', { op: 'subscribe-topic', topic: 'example.com' }],
    ['subscribe u.s. election', { op: 'subscribe-topic', topic: 'u.s. election' }],
    ['unsubscribe all', { op: 'unsubscribe' }],
    ['unsubscribe Valley Newz', { op: 'unsubscribe', target: 'Valley Newz' }],
    [
      'digest 08:00 Europe/Berlin daily',
      { op: 'digest', time: '08:00', timezone: 'Europe/Berlin', mode: 'daily' },
    ],
    ['digest 7.30 UTC', { op: 'digest', time: '7:30', timezone: 'UTC', dailyIfOff: true }],
    [
      'digest 18:00 America/New_York both',
      { op: 'digest', time: '18:00', timezone: 'America/New_York', mode: 'both' },
    ],
    ['digest off', { op: 'digest', mode: 'realtime' }],
    ['mode both', { op: 'digest', mode: 'both' }],
    ['sources 3', { op: 'digest', minSources: 3 }],
    [
      'import https://x.example/feeds.opml',
      { op: 'import', source: { kind: 'url', url: 'https://x.example/feeds.opml' } },
    ],
    ['import F0123ABCD', { op: 'import', source: { kind: 'slack-file', fileId: 'F0123ABCD' } }],
    [
      'import <https://acme.slack.com/files/U01/F0123ABCD/feeds.opml>',
      { op: 'import', source: { kind: 'slack-file', fileId: 'F0123ABCD' } },
    ],
    ['export', { op: 'export' }],
  ])('%j', (text, expected) => {
    expect(parseManageCommand(text)).toEqual(expected);
  });

  it.each([
    ['subscribe', /feed URL or a topic/],
    // The word that forces a feed or a topic, with nothing after it, is not a topic of its own.
    ['subscribe feed', /give a feed URL after "feed"/],
    ['subscribe topic', /give keywords after "topic"/],
    ['subscribe Topic ', /give keywords after "topic"/],
    ['unsubscribe', /"all"/],
    ['digest', /give a time/],
    ['digest 8am Berlin', /"8am" is not a time/],
    ['digest 24:30', /"24:30" is not a time/],
    ['sources many', /whole number/],
    ['import', /URL of an OPML file/],
    ['import not a link', /neither a URL nor a Slack file link/],
    ['delete everything', /unknown subcommand "delete"/],
  ])('%j is refused', (text, error) => {
    const parsed = parseManageCommand(text);
    expect(parsed.op).toBe('invalid');
    expect(parsed.op === 'invalid' && parsed.error).toMatch(error);
  });
});

describe('slash command replies', () => {
  it('packs a story into few ephemeral messages within the limits', () => {
    const small = storyReplies(storyDigest());
    expect(small).toHaveLength(1);
    expect(small[0]!.blocks?.[0]).toMatchObject({ type: 'header' });
    const big = storyReplies(bigDigest());
    expect(big).toHaveLength(5);
    for (const reply of big) {
      expect((reply.blocks ?? []).length).toBeLessThanOrEqual(50);
      expect(reply.response_type).toBe('ephemeral');
    }
    expect(big[4]!.text).toContain('longer than a reply can show');
  });

  it('exports OPML as inert code blocks', () => {
    const [reply] = opmlReplies('<opml>&amp; ``` </opml>')!;
    expect(reply!.text).toBe('```&lt;opml&gt;&amp;amp; ˋˋˋ &lt;/opml&gt;```');
    expect(opmlReplies('x'.repeat(50).concat('\n').repeat(2000))).toBeUndefined();
  });
});

describe('slack config', () => {
  it('defaults to Socket Mode and admins', () => {
    expect(slackConfigSchema.parse(undefined)).toMatchObject({
      mode: 'socket',
      port: 3000,
      whoCanConfigure: 'admins',
      commands: { story: '/story', manage: '/threadline' },
      oauth: { installPath: '/slack/install' },
    });
    expect(slackConfigSchema.safeParse({ whoCanConfigure: 'nobody' }).success).toBe(false);
  });

  it('names what is missing to start', () => {
    const config = slackConfigSchema.parse({});
    expect(() => checkSlackSetup(config, { botToken: 'xoxb' })).toThrow(/SLACK_APP_TOKEN/);
    expect(checkSlackSetup(config, { botToken: 'xoxb', appToken: 'xapp' })).toBe('token');
    const http = slackConfigSchema.parse({ mode: 'http' });
    expect(() => checkSlackSetup(http, { botToken: 'xoxb' })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(() => checkSlackSetup(http, { clientId: 'c', clientSecret: 's', signingSecret: 'x' })).toThrow(
      /SLACK_STATE_SECRET/,
    );
    expect(readSlackSecrets({ PORT: '8080', SLACK_BOT_TOKEN: ' xoxb ' })).toMatchObject({
      port: 8080,
      botToken: 'xoxb',
    });
    // A PORT that is no port stops an HTTP app instead of leaving it on the default port.
    for (const bad of ['abc', '0', '70000', '80.5']) {
      const secrets = readSlackSecrets({ PORT: bad, SLACK_BOT_TOKEN: 'xoxb', SLACK_SIGNING_SECRET: 'x' });
      expect(secrets.port).toBeUndefined();
      expect(() => checkSlackSetup(http, secrets)).toThrow(`PORT "${bad}" is not a port number (1 to 65535)`);
    }
    // Socket Mode with one workspace listens on no port.
    expect(
      checkSlackSetup(config, { ...readSlackSecrets({ PORT: 'abc' }), botToken: 'xoxb', appToken: 'xapp' }),
    ).toBe('token');
  });
});
