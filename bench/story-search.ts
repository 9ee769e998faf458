/**
 * `/story` and its autocomplete with a week of real coverage in memory: the rumca week (12,052 items) goes
 * through the story engine in passes of 500 items, then the chat commands search it. Prints milliseconds: the
 * indexing the worker does after each pass, the first search with the index so kept and with none (which
 * reads every story's text), `/story` of a story asked for the first time (its digest is built) and again,
 * and autocomplete as a user typing a query would cause it.
 *
 *   npm run bench:story
 */
import { fileURLToPath } from 'node:url';
import { readArchive } from '../src/commands/worker.js';
import { parseConfig } from '../src/config/load.js';
import { ChannelCommands } from '../src/deliver/channel-commands.js';
import { ChannelStore } from '../src/deliver/channels.js';
import { silentLogger } from '../src/log.js';
import { StoryEngine } from '../src/pipeline/engine.js';
import { openStore } from '../src/store/index.js';

const rumca = fileURLToPath(new URL('../../shared/data/rumca-news-2023-11-17_to_24.jsonl', import.meta.url));
const items = (await readArchive(rumca)).sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
const store = openStore('memory://');
const engine = new StoryEngine({
  store,
  sinks: () => [],
  logger: silentLogger,
  now: () => new Date('2023-11-25T00:00:00Z'),
});
await engine.init();
const channels = new ChannelStore(store);
const fetchPolicy = parseConfig({}).fetch;
// As the worker keeps it: indexed after each pass.
const commands = new ChannelCommands(channels, engine, fetchPolicy);
const passes: number[] = [];
for (let i = 0; i < items.length; i += 500) {
  await engine.ingest(items.slice(i, i + 500));
  passes.push(ms(() => commands.indexStories()));
}
console.log(`${items.length} items in ${engine.stories().length} stories`);
console.log(
  `indexing after each pass of 500 items: median ${median(passes).toFixed(0)} ms, ` +
    `slowest ${Math.max(...passes).toFixed(0)} ms`,
);

function ms(f: () => unknown): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const queries = [
  'ukraine',
  'sam altman openai',
  'argentina election milei',
  'rosalynn carter',
  'gaza truce hostages',
];
const cold = new ChannelCommands(channels, engine, fetchPolicy);
console.log(
  `first search after the passes: ${ms(() => commands.suggest(queries[0]!)).toFixed(0)} ms with the index ` +
    `they kept, ${ms(() => cold.suggest(queries[0]!)).toFixed(0)} ms with none (reads every story)`,
);
const first = queries.map((q) => ms(() => commands.story(q)));
const again = queries.flatMap((q) => [1, 2].map(() => ms(() => commands.story(q))));
console.log(
  `/story (search and the digest of the best story): first ask of a story median ${median(first).toFixed(0)} ms, ` +
    `slowest ${Math.max(...first).toFixed(0)} ms (its digest is built); ` +
    `asked again median ${median(again).toFixed(0)} ms`,
);
// Discord asks for suggestions at each key press: the typed words, and the latest headlines.
const typed = 'argentina election'.split('').map((_, i, all) => all.slice(0, i + 1).join(''));
const suggest = typed.map((q) => ms(() => commands.suggest(q)) + ms(() => commands.suggest('', 200)));
console.log(
  `autocomplete, per key press while typing "argentina election": median ${median(suggest).toFixed(0)} ms, ` +
    `slowest ${Math.max(...suggest).toFixed(0)} ms`,
);
