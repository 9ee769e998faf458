import type { Command } from 'commander';
import { createClusterer } from '../cluster/index.js';
import { inputName, readJsonl, writeLine } from '../util/jsonl.js';
import { asText, toItem } from './item-input.js';

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
      // Every merge of the pass, kept here: the clusterer forgets old merges (its memory is bounded), and an
      // item of a story merged long before the end of a long file must still print the story's final id.
      const mergedInto = new Map<string, string>();
      const firstStory = new Map<string, string>();
      for await (const { line, value } of readJsonl(opts.input)) {
        // Feed HTML is read as text, as the poller and `replay`/`digest` read it.
        const item = asText(toItem(value, `${inputName(opts.input)}: line ${line}`, lastTime));
        lastTime = item.publishedAt;
        // A repeated id is the same item again, as the worker's item log takes it: it keeps its first story.
        const first = firstStory.get(item.id);
        if (first !== undefined) {
          assigned.push({ id: item.id, storyId: first });
          continue;
        }
        const { storyId, merged } = clusterer.add(item);
        for (const from of merged) mergedInto.set(from, storyId);
        firstStory.set(item.id, storyId);
        assigned.push({ id: item.id, storyId });
      }
      const resolve = (storyId: string): string => {
        let id = storyId;
        for (let next = mergedInto.get(id); next !== undefined; next = mergedInto.get(id)) id = next;
        return id;
      };
      // Story ids are written after the pass, resolved through any merges, so that every item
      // of a story carries the story's final id.
      for (const a of assigned) await writeLine(JSON.stringify({ id: a.id, storyId: resolve(a.storyId) }));
    });
}
