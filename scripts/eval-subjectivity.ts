/**
 * Measures the sentence classifier on the CheckThat! subjectivity data (OBJ = fact, SUBJ = opinion):
 * macro-F1, per-class precision/recall/F1 and throughput.
 *
 *   npm run eval:subjectivity                     # ../shared/data/checkthat-en/dev_en.tsv
 *   npm run eval:subjectivity -- path/to/file.tsv [--errors]
 *
 * The data is read from ../shared at run time and never copied into the repository.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classifySentence } from '../src/classify/index.js';

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

function f1(tp: number, fp: number, fn: number): { p: number; r: number; f: number } {
  const p = tp + fp === 0 ? 0 : tp / (tp + fp);
  const r = tp + fn === 0 ? 0 : tp / (tp + fn);
  return { p, r, f: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

function main(): void {
  const args = process.argv.slice(2);
  const showErrors = args.includes('--errors');
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
  const t0 = performance.now();
  const predicted = data.map((d) => classifySentence(d.text));
  const ms = performance.now() - t0;

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
    `speed ${Math.round((data.length / ms) * 1000)} sentences/s (${(ms / data.length).toFixed(3)} ms each)`,
  );
}

if (process.argv[1]?.endsWith('eval-subjectivity.ts')) main();
