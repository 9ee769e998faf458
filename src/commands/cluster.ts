import type { Command } from 'commander';
import { createClusterer } from '../cluster/index.js';
import { readJsonl, writeLine } from '../util/jsonl.js';
import { toItem } from './item-input.js';

/** `threadline cluster --input FILE.jsonl`: one `{"id","storyId"}` line per input item, in input order. */
export function registerClusterCommand(program: Command): void {
  program
    .command('cluster')
    .description('cluster items online (file order is arrival order); prints {"id","storyId"} per item')
    .requiredOption(
      '-i, --input <file>',
      'JSON-lines file of items (id, title, description, text, url, source, publishedAt), or - for stdin',
    )
    .action(async (opts: { input: string }) => {
      const clusterer = createClusterer();
      let lastTime = new Date(0).toISOString();
      const assigned: { id: string; storyId: string }[] = [];
      for await (const { line, value } of readJsonl(opts.input)) {
        const item = toItem(value, `${opts.input}: line ${line}`, lastTime);
        lastTime = item.publishedAt;
        assigned.push({ id: item.id, storyId: clusterer.add(item).storyId });
      }
      // Story ids are written after the pass, resolved through any merges, so that every item
      // of a story carries the story's final id.
      for (const a of assigned)
        await writeLine(JSON.stringify({ id: a.id, storyId: clusterer.resolve(a.storyId) }));
    });
}
