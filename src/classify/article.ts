import { cleanText } from '../extract/clean.js';
import type { Attribution, ItemKind } from '../model.js';
import { classifyItemKind, headingKind, type ItemKindInput } from './kind.js';
import { VAGUE_SPEAKERS } from './lexicon.js';
import { classifySentence, type SentenceLabel } from './sentence.js';
import { splitSentences } from './sentences.js';
import { finishedSummaryEnd } from './summary.js';

export interface AnalysedSentence {
  text: string;
  label: SentenceLabel;
  attribution?: Attribution;
}

export interface AnalysedSection {
  heading?: string;
  kind: ItemKind;
  sentences: AnalysedSentence[];
}

export interface AnalysedArticle {
  kind: ItemKind;
  sections: AnalysedSection[];
}

export interface ArticleInput extends Omit<ItemKindInput, 'title'> {
  title: string;
  text: string;
  /** The text is the feed's summary, not the article: a summary of one sentence may have lost its full stop. */
  summary?: boolean;
}

const SMALL_WORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'but',
  'of',
  'in',
  'on',
  'at',
  'to',
  'for',
  'by',
  'with',
  'as',
  'vs',
  'from',
  'into',
  'over',
  'is',
  'are',
  'be',
  'its',
  'it',
]);

/** A line standing alone as a subheading: short, title-cased, not a finished sentence, not a list item. */
function isTitleLine(line: string): boolean {
  const t = line.trim();
  if (/^([-–•*]|\d+[.)])\s/.test(t)) return false;
  if (/[.!;,]["”’]?$/.test(t) || t.endsWith(':')) return false;
  const words = t.match(/[A-Za-z][A-Za-z'’-]*/g) ?? [];
  if (words.length === 0 || words.length > 14) return false;
  const content = words.filter((w) => !SMALL_WORDS.has(w.toLowerCase()));
  if (content.length === 0) return false;
  const capitalised = content.filter((w) => /^[A-Z]/.test(w)).length;
  return capitalised / content.length >= 0.75;
}

const MARKDOWN_HEADING = /^#{1,6}\s+\S/;

/** The pronouns whose referent we try to carry from the previous named speaker. */
const THIRD_PERSON = new Set(['he', 'she']);
/** The writer's own voice is not a source. */
const WRITER = new Set(['i', 'we', 'you', 'they']);

/**
 * Splits an article into sections by its headings, removes boilerplate, and labels every sentence. Sections
 * headed as opinion, analysis or advocacy ("Opinion:", "Analysis", "Action:", "To Do:", "What can we do")
 * — and every section of an item that is itself opinion or analysis — are opinion whatever their wording;
 * in reporting sections each sentence is classified on its own. Pronoun speakers ("he said") are resolved
 * to the last named speaker.
 */
export function analyseArticle(input: ArticleInput): AnalysedArticle {
  const kind = classifyItemKind(input);
  const text = cleanText(input.text, { title: input.title });
  const sections: AnalysedSection[] = [];
  let current: AnalysedSection = { kind, sentences: [] };
  /** Kind set by a labelled heading, inherited by its markdown subheadings. */
  let labelled: ItemKind | undefined;
  let lastSpeaker: string | undefined;
  const normTitle = input.title.trim().toLowerCase();
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && line.toLowerCase() !== normTitle);
  const lastAt = lines.length - 1;

  const startSection = (heading: string, sectionKind: ItemKind) => {
    if (current.sentences.length > 0 || current.heading !== undefined) sections.push(current);
    current = { heading, kind: sectionKind, sentences: [] };
  };
  const atLeastArticle = (k: ItemKind): ItemKind => (k === 'report' ? kind : k);

  for (const [at, line] of lines.entries()) {
    const announced = headingKind(line);
    const isShort = line.split(/\s+/).length <= 12 && !/[.!]["”’]?$/.test(line);
    if (announced && isShort) {
      labelled = announced;
      startSection(line.replace(/^#+\s*/, ''), atLeastArticle(announced));
      continue;
    }
    if (MARKDOWN_HEADING.test(line)) {
      startSection(line.replace(/^#+\s*/, '').replace(/\*+/g, ''), atLeastArticle(labelled ?? kind));
      continue;
    }
    if (isTitleLine(line)) {
      labelled = undefined;
      startSection(line, kind);
      continue;
    }

    const split = splitSentences(line);
    // A feed summary's last sentence may have lost its full stop, or been cut short after its main clause.
    const sentences = input.summary && at === lastAt ? finishedSummaryEnd(split, lastAt === 0) : split;
    for (const sentence of sentences) {
      const r = classifySentence(sentence);
      const out: AnalysedSentence = {
        text: sentence,
        label: current.kind === 'report' ? r.label : 'opinion',
      };
      if (r.attribution) {
        const a = { ...r.attribution };
        const lower = a.speaker.toLowerCase();
        if (THIRD_PERSON.has(lower) && lastSpeaker) a.speaker = lastSpeaker;
        if (!WRITER.has(lower)) out.attribution = a;
        // "Some say …" names nobody a later "he says" could mean.
        if (!VAGUE_SPEAKERS.has(lower) && !THIRD_PERSON.has(lower) && !WRITER.has(lower))
          lastSpeaker = a.speaker;
      }
      current.sentences.push(out);
    }
  }
  if (current.sentences.length > 0 || current.heading !== undefined) sections.push(current);
  return { kind, sections };
}
