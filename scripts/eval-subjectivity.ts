/**
 * Measures the sentence classifier on the CheckThat! subjectivity data (OBJ = fact, SUBJ = opinion):
 * macro-F1, per-class precision/recall/F1 and throughput.
 *
 *   npm run eval:subjectivity                     # ../shared/data/checkthat-en/dev_en.tsv, then the rumca check
 *   npm run eval:subjectivity -- path/to/file.tsv [--errors] [--features]
 *
 * --errors lists the misses with their scores; --features shows, per scorer feature, how often it fires on
 * each gold class and the share of its firings that are opinion, to judge hand-set weights.
 *
 * The data is read from ../shared at run time and never copied into the repository.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classifySentence, scoreSentence } from '../src/classify/index.js';

/** RFC 4180-style parser for a delimiter-separated file: quoted fields, doubled quotes, newlines in quotes. */
export function parseDelimited(text: string, delimiter = '\t'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      atFieldStart = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atFieldStart = true;
    } else {
      field += c;
      atFieldStart = false;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f !== ''));
}

/** Probability that a random opinion sentence outscores a random fact sentence (ties count half). */
function auc(pairs: [number, boolean][]): number {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]![0] === sorted[i]![0]) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (sorted[k]![1]) {
        pos++;
        rankSum += avgRank;
      } else neg++;
    }
    i = j;
  }
  return pos === 0 || neg === 0 ? 0.5 : (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function f1(tp: number, fp: number, fn: number): { p: number; r: number; f: number } {
  const p = tp + fp === 0 ? 0 : tp / (tp + fp);
  const r = tp + fn === 0 ? 0 : tp / (tp + fn);
  return { p, r, f: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

function main(): void {
  const args = process.argv.slice(2);
  const showErrors = args.includes('--errors');
  const showFeatures = args.includes('--features');
  const fileArg = args.find((a) => !a.startsWith('--'));
  const file = fileArg
    ? path.resolve(fileArg)
    : path.resolve(process.cwd(), '../shared/data/checkthat-en/dev_en.tsv');
  const rows = parseDelimited(readFileSync(file, 'utf8'));
  const header = rows.shift() ?? [];
  const sIdx = header.indexOf('sentence');
  const lIdx = header.indexOf('label');
  if (sIdx < 0 || lIdx < 0) throw new Error(`${file}: expected "sentence" and "label" columns`);

  const data = rows.map((r) => ({ text: r[sIdx] ?? '', gold: r[lIdx] === 'SUBJ' ? 'opinion' : 'fact' }));
  // The first call loads the tagger; time the steady state separately from that one-off cost.
  const l0 = performance.now();
  classifySentence('Warm-up.');
  const loadMs = performance.now() - l0;
  // CPU time as well as wall time: on a shared, loaded machine the wall clock mostly measures the neighbours.
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const predicted = data.map((d) => classifySentence(d.text));
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const cpuMs = (cpu.user + cpu.system) / 1000;

  const counts = { fact: { tp: 0, fp: 0, fn: 0 }, opinion: { tp: 0, fp: 0, fn: 0 } };
  let correct = 0;
  data.forEach((d, i) => {
    const p = predicted[i]!.label;
    if (p === d.gold) {
      counts[p].tp++;
      correct++;
    } else {
      counts[p].fp++;
      counts[d.gold as 'fact' | 'opinion'].fn++;
      if (showErrors)
        console.log(
          `${d.gold === 'opinion' ? 'MISSED-SUBJ' : 'FALSE-SUBJ '} ${predicted[i]!.score}  ${d.text}`,
        );
    }
  });
  const obj = f1(counts.fact.tp, counts.fact.fp, counts.fact.fn);
  const subj = f1(counts.opinion.tp, counts.opinion.fp, counts.opinion.fn);
  const fmt = (x: number) => x.toFixed(3);
  console.log(`file: ${path.relative(process.cwd(), file)} (${data.length} sentences)`);
  console.log(`OBJ  (fact)    P ${fmt(obj.p)}  R ${fmt(obj.r)}  F1 ${fmt(obj.f)}`);
  console.log(`SUBJ (opinion) P ${fmt(subj.p)}  R ${fmt(subj.r)}  F1 ${fmt(subj.f)}`);
  console.log(`accuracy ${fmt(correct / data.length)}`);
  console.log(`macro-F1 ${fmt((obj.f + subj.f) / 2)}`);
  console.log(
    `ROC AUC ${fmt(auc(data.map((d, i) => [predicted[i]!.score, d.gold === 'opinion'])))} (ranking quality)`,
  );
  console.log(
    `speed ${Math.round((data.length / ms) * 1000)} sentences/s (${(ms / data.length).toFixed(3)} ms each; ` +
      `first call ${Math.round(loadMs)} ms); ${Math.round((data.length / cpuMs) * 1000)} sentences per CPU-second`,
  );
  if (showFeatures) printFeatures(data);
  if (!fileArg) printOutsideCheck();
}

/**
 * A check outside CheckThat, against overfitting to it: each rumca item's description scored by the classifier,
 * ranked against the item's URL-path opinion hint (/opinion/, /commentisfree/ …). The hint labels the article,
 * not the sentence, so only the ranking (AUC) is meaningful, and only as a comparison between versions.
 */
function printOutsideCheck(): void {
  const rumca = path.resolve(process.cwd(), '../shared/data/rumca-news-2023-11-17_to_24.jsonl');
  let text: string;
  try {
    text = readFileSync(rumca, 'utf8');
  } catch {
    return;
  }
  const pairs: [number, boolean][] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { description?: unknown; url_opinion_hint?: unknown };
    if (typeof row.description !== 'string' || !row.description.trim()) continue;
    if (typeof row.url_opinion_hint !== 'boolean') continue;
    pairs.push([scoreSentence(row.description).raw, row.url_opinion_hint]);
  }
  const hinted = pairs.filter((p) => p[1]).length;
  console.log(
    `outside check: rumca descriptions vs URL opinion hint, ROC AUC ${auc(pairs).toFixed(3)} ` +
      `(${pairs.length} items, ${hinted} hinted opinion)`,
  );
}

function printFeatures(data: { text: string; gold: string }[]): void {
  const stats = new Map<string, { obj: number; subj: number; sum: number }>();
  let nObj = 0;
  let nSubj = 0;
  for (const d of data) {
    const subj = d.gold === 'opinion';
    if (subj) nSubj++;
    else nObj++;
    for (const [name, v] of Object.entries(scoreSentence(d.text).features)) {
      const s = stats.get(name) ?? { obj: 0, subj: 0, sum: 0 };
      if (subj) s.subj++;
      else s.obj++;
      s.sum += v;
      stats.set(name, s);
    }
  }
  console.log('\nfeature                 OBJ%   SUBJ%  opinion-share  mean-weight');
  for (const [name, s] of [...stats].sort((a, b) => b[1].obj + b[1].subj - (a[1].obj + a[1].subj))) {
    const share = s.subj / nSubj / (s.subj / nSubj + s.obj / nObj);
    console.log(
      `${name.padEnd(22)} ${((100 * s.obj) / nObj).toFixed(1).padStart(5)}  ${((100 * s.subj) / nSubj)
        .toFixed(1)
        .padStart(
          5,
        )}  ${share.toFixed(2).padStart(13)}  ${(s.sum / (s.obj + s.subj)).toFixed(2).padStart(11)}`,
    );
  }
}

if (process.argv[1]?.endsWith('eval-subjectivity.ts')) main();
