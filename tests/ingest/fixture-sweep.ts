/** Runs parseFeed over every file of the shared feed corpora and compares with the expected results they ship. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { canonicalUrl, parseFeed } from '../../src/ingest/index.js';
import { inlineText } from '../../src/ingest/text.js';

export const FEEDS_DIR = path.resolve(process.cwd(), '../shared/feeds');

export interface SweepResult {
  file: string;
  ok: boolean;
  error?: string;
  ms: number;
  /** undefined: no expected result for this file. */
  matched?: boolean;
  mismatch?: string;
  mustFail?: boolean;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: expected outputs are free-form JSON
type Json = any;

interface Expected {
  title?: string;
  links: (string | undefined)[];
}

/** The expected result a corpus gives for `file`, if any. */
function expectedFor(file: string): Expected | undefined {
  const rel = path.relative(FEEDS_DIR, file);
  let exp: Json;
  if (rel.startsWith('rss-parser/test/input/')) {
    const out = path.join(
      FEEDS_DIR,
      'rss-parser/test/output',
      `${path.basename(file).replace(/\.\w+$/, '')}.json`,
    );
    try {
      exp = JSON.parse(readFileSync(out, 'utf8')).feed;
    } catch {
      return undefined;
    }
    return { title: exp.title, links: (exp.items ?? []).map((i: Json) => i.link) };
  }
  if (!rel.startsWith('gofeed/')) return undefined;
  let sibling: string;
  if (file.endsWith('.xml')) sibling = file.replace(/\.xml$/, '.json');
  else if (file.endsWith('.json') && !file.endsWith('_expected.json'))
    sibling = file.replace(/\.json$/, '_expected.json');
  else return undefined;
  try {
    exp = JSON.parse(readFileSync(sibling, 'utf8'));
  } catch {
    return undefined;
  }
  const items: Json[] = exp.items ?? exp.entries ?? [];
  return {
    title: typeof exp.title === 'string' ? exp.title : undefined,
    links: items.map((i) => {
      if (typeof i.link === 'string') return i.link;
      if (typeof i.url === 'string') return i.url;
      const ls: Json[] = Array.isArray(i.links) ? i.links : [];
      const alt = ls.find((l) => typeof l === 'object' && (!l.rel || l.rel === 'alternate')) ?? ls[0];
      return typeof alt === 'string' ? alt : alt?.href;
    }),
  };
}

/** Files that are expected outputs or licences, not inputs; they are still swept for crashes. */
export function isCorpusInput(file: string): boolean {
  const rel = path.relative(FEEDS_DIR, file);
  if (/(LICENSE|SOURCE\.txt|\.js\.txt)$/.test(rel)) return false;
  if (rel.startsWith('rss-parser/test/output/')) return false;
  if (rel.startsWith('gofeed/') && rel.endsWith('.json')) {
    if (rel.endsWith('_expected.json')) return false;
    // A gofeed .json beside an .xml of the same name is that fixture's expected output.
    try {
      statSync(file.replace(/\.json$/, '.xml'));
      return false;
    } catch {
      return true;
    }
  }
  return true;
}

const MUST_FAIL = new Set([
  'node-feedparser/test/feeds/notafeed.html',
  'node-feedparser/test/feeds/invalid-characters-gzipped.xml',
]);
const BASE = 'http://fixture.example/feed.xml';

const norm = (s: string | undefined) =>
  inlineText(s ?? '')
    .replace(/\s+/g, ' ')
    .trim();

export async function sweepFile(file: string): Promise<SweepResult> {
  const rel = path.relative(FEEDS_DIR, file);
  const body = readFileSync(file);
  const t0 = performance.now();
  let res: SweepResult;
  try {
    const feed = await parseFeed(body, { url: BASE, now: new Date('2024-01-01T00:00:00Z') });
    res = { file: rel, ok: true, ms: 0 };
    const exp = isCorpusInput(file) ? expectedFor(file) : undefined;
    if (exp) {
      const problems: string[] = [];
      if (exp.title && norm(exp.title) !== feed.title)
        problems.push(`title ${JSON.stringify(feed.title)} ≠ ${JSON.stringify(norm(exp.title))}`);
      if (exp.links.length !== feed.items.length)
        problems.push(`items ${feed.items.length} ≠ ${exp.links.length}`);
      else {
        exp.links.forEach((l, i) => {
          const want = canonicalUrl(l?.trim(), BASE);
          const got = feed.items[i]!.url;
          if (want && got !== want) problems.push(`item ${i} link ${got} ≠ ${want}`);
        });
      }
      res.matched = problems.length === 0;
      if (problems.length) res.mismatch = problems.slice(0, 3).join('; ');
    }
  } catch (err) {
    res = { file: rel, ok: false, error: (err as Error).message, ms: 0 };
    if ((err as Error).name !== 'FeedParseError') res.error = `CRASH ${(err as Error).stack}`;
  }
  res.ms = performance.now() - t0;
  if (MUST_FAIL.has(rel)) res.mustFail = true;
  return res;
}

export async function sweepAll(): Promise<SweepResult[]> {
  const out: SweepResult[] = [];
  for (const f of walk(FEEDS_DIR)) out.push(await sweepFile(f));
  return out;
}

export function isInput(rel: string): boolean {
  return isCorpusInput(path.join(FEEDS_DIR, rel));
}
