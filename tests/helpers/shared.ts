import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { splitSentences } from '../../src/classify/index.js';

/** The read-only data folder beside the project (never copied into it). */
export const SHARED = resolve(process.cwd(), '../shared');

export interface SeedDoc {
  file: string;
  title: string;
  body: string;
}

/**
 * The five seed write-ups of one story. Files whose first line is a headline use it as the title;
 * the others (which open straight with the report) use their first sentence.
 */
export function loadSeeds(): SeedDoc[] {
  const dir = resolve(SHARED, 'seeds');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((file) => {
      const text = readFileSync(resolve(dir, file), 'utf8').trim();
      const lines = text.split('\n').map((l) => l.trim());
      // A page that repeats its headline (aggregators print it above and below the byline) names it that way;
      // what stands above it is site chrome, not the article's title.
      const repeated = lines.find((l, i) => l.length > 20 && lines.indexOf(l, i + 1) > i);
      if (repeated) return { file, title: repeated, body: text };
      const [first = '', ...rest] = text.split('\n');
      const isHeadline = first.length < 140 && !/[.!?]["”’]?$/.test(first.trim());
      if (isHeadline) return { file, title: first.trim(), body: rest.join('\n').trim() };
      const sentence = splitSentences(first)[0] ?? first;
      return { file, title: sentence.trim(), body: text };
    });
}
