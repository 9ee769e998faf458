import { type Command, Option } from 'commander';
import type { StoryInfo } from '../cluster/index.js';
import { buildDigest } from '../digest/build.js';
import { digestJson } from '../digest/json.js';
import { type SearchableStory, searchStories } from '../digest/search.js';
import type { Item, StoryDigest } from '../model.js';
import { StoryIndex } from '../pipeline/story-index.js';
import { renderConsoleStory } from '../platforms/console/render.js';
import { renderDiscordStory } from '../platforms/discord/render.js';
import { renderSlackStory } from '../platforms/slack/render.js';
import { InputError, inputName, writeLine } from '../util/jsonl.js';
import { publisherCount } from '../util/outlet.js';
import { readArchive } from './worker.js';

const FORMATS = ['json', 'text', 'discord', 'slack'] as const;
type Format = (typeof FORMATS)[number];

interface ReplayedStory {
  info: StoryInfo;
  items: Item[];
}

/**
 * Clusters the items in time order, as the live pipeline would have seen them; a repeated id counts once.
 * Stories that went cold along the way are kept as the worker keeps them.
 */
function replay(items: Item[]): ReplayedStory[] {
  const index = new StoryIndex();
  for (const item of items) if (!index.has(item.id)) index.add(item);
  return index.stories().map((info) => ({ info, items: index.itemsOf(info) }));
}

/** The story the query is about, found the way the chat `story` command finds it. */
function pick(stories: ReplayedStory[], query: string): ReplayedStory {
  if (!query.trim())
    throw new InputError('--query needs a few words about the story, for example: ukraine security');
  const searchable: SearchableStory[] = stories.map((s) => ({
    id: s.info.id,
    headline: s.info.headline,
    text: s.items.map((i) => `${i.title} ${i.description ?? ''}`).join(' '),
    outletCount: publisherCount(s.items),
    lastUpdated: s.info.lastUpdated,
  }));
  const [best] = searchStories(query, searchable, 1);
  const story = best && stories.find((s) => s.info.id === best.id);
  if (!story) throw new InputError(`no story matches "${query}"`);
  return story;
}

function render(digests: StoryDigest[], format: Format): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ stories: digests.map(digestJson) }, null, 2);
    case 'text':
      return digests.map(renderConsoleStory).join('\n\n');
    // The platform formats are the request bodies the sinks would send, one set per story.
    case 'discord':
      return JSON.stringify(
        { stories: digests.map((d) => ({ id: d.id, ...renderDiscordStory(d) })) },
        null,
        2,
      );
    case 'slack':
      return JSON.stringify({ stories: digests.map((d) => ({ id: d.id, ...renderSlackStory(d) })) }, null, 2);
  }
}

/**
 * `threadline digest --input FILE.jsonl [--query TEXT] [--format json|text|discord|slack]`: replays archived
 * items into stories and prints the digest of the story best matching the query, or of every story (most
 * recently updated first).
 */
export function registerDigestCommand(program: Command): void {
  program
    .command('digest')
    .description('replay archived items into stories and print their digests (the best match for --query)')
    .requiredOption(
      '-i, --input <path>',
      'JSON-lines file of items, a folder of .jsonl files, or - for stdin',
    )
    .option('-q, --query <text>', 'only the story that best matches these words')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('json'))
    .action(async (opts: { input: string; query?: string; format: Format }) => {
      const items = await readArchive(opts.input);
      if (!items.length) throw new InputError(`${inputName(opts.input)}: no items`);
      const stories = replay(items);
      const chosen = opts.query === undefined ? stories : [pick(stories, opts.query)];
      await writeLine(
        render(
          chosen.map((s) => buildDigest(s.info, s.items)),
          opts.format,
        ),
      );
    });
}
