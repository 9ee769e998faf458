import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerWorkerCommands } from '../../src/commands/worker.js';
import { ChannelStore } from '../../src/deliver/channels.js';
import { openStore } from '../../src/store/index.js';
import { FakeDiscord } from '../fakes/discord.js';
import { FeedServer, renderRss } from '../helpers/feed-server.js';
import { tempDir } from '../helpers/temp.js';

const VARS = ['DISCORD_TOKEN', 'DISCORD_API_URL', 'LOG_LEVEL', 'THREADLINE_STORE'] as const;
let saved: Record<string, string | undefined>;
let fake: FakeDiscord;
const feeds = new FeedServer();

beforeEach(async () => {
  saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  fake = new FakeDiscord();
  await fake.start();
  await feeds.start();
});

afterEach(async () => {
  for (const name of VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await feeds.stop();
  await fake.stop();
});

/** `threadline poll --once`, in this process, with Discord's variables pointing at the fake. */
async function poll(config: string): Promise<void> {
  process.env.DISCORD_TOKEN = fake.token;
  process.env.DISCORD_API_URL = fake.restUrl;
  process.env.LOG_LEVEL = 'silent';
  const program = new Command().exitOverride();
  registerWorkerCommands(program);
  await program.parseAsync(['node', 'threadline', 'poll', '--once', '--config', config]);
}

describe('threadline poll --once with Discord credentials', () => {
  it('delivers the pass to the Discord channels that follow its feeds, once', async () => {
    feeds.setFeed(
      '/harbour.xml',
      renderRss('Harbour Post', 'https://harbour.example/', [
        {
          guid: 'quay-1',
          title: 'Marlow harbour reopens its northern quay after repairs',
          link: 'https://harbour.example/news/quay',
          body: 'The harbour authority reopened the northern quay on Tuesday after two months of repairs, officials said.',
          pubDate: new Date(),
        },
      ]),
    );
    const dir = tempDir('threadline-poll-');
    process.env.THREADLINE_STORE = `sqlite://${join(dir, 'state.sqlite')}`;
    // A channel that /subscribe made follow the feed, earlier.
    const store = openStore(process.env.THREADLINE_STORE);
    await store.open();
    const channels = new ChannelStore(store);
    const channel = await channels.getOrCreate(
      'discord',
      fake.guild().id,
      fake.channel('general').id,
      'text',
    );
    await channels.save({ ...channel, feeds: [{ url: feeds.url('/harbour.xml') }], minSources: 1 });
    await store.close();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      "feeds: []\nfetch:\n  allowPrivate: ['127.0.0.1']\nsinks:\n  console:\n    enabled: false\n",
    );

    await poll(config);
    const posted = () =>
      fake.messages('general').filter((m) => m.source === 'channel' && m.embeds.length > 0);
    expect(posted()).toHaveLength(1);
    expect(JSON.stringify(posted()[0]!.embeds)).toContain('Marlow harbour reopens its northern quay');
    // The next pass finds it delivered.
    await poll(config);
    expect(posted()).toHaveLength(1);
  });
});
