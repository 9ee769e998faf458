import { type AttributionMatch, analyseArticle, classifySentence } from '../classify/index.js';
import { hasClauseVerb } from '../classify/pos.js';
import { isBoilerplate } from '../extract/clean.js';
import type { Attribution, Item, ItemKind } from '../model.js';
import { type ClaimCore, claimCore, type Figures } from './core.js';
import { type OpinionPiece, opinionPieces } from './opinion.js';
import { directQuote, reportedClause, shortQuotes, speakerGroup } from './speech.js';
import {
  addressesReader,
  contentTerms,
  documentFrequencies,
  isComplete,
  isPhotoCaption,
  normalise,
  proseShingles,
  type Quotation,
  quotations,
  quoteShingles,
  termCounts,
  tidyPunctuation,
  withoutDateline,
  withoutLeadingConnective,
  withoutPicturePointers,
  wordCount,
} from './text.js';

/** One sentence of an item, with what the digest needs to compare it with other items' sentences. */
export interface Unit {
  text: string;
  label: 'fact' | 'opinion';
  attribution?: Attribution;
  /** Usable as a reported fact: a complete fact sentence from a reporting part of the item. */
  reported: boolean;
  terms: string[];
  termSet: ReadonlySet<string>;
  tf: ReadonlyMap<string, number>;
  words: number;
  /** The text as lower-case words, to spot word-for-word repeats. */
  norm: string;
  quotes: Quotation[];
  /** Runs of five quoted words, short quotations, and all quoted words, for matching quotations. */
  shingles: string[];
  /**
   * Runs of five words of a reported sentence that credits a speaker without quoting them, to find the
   * speaker's quotation it follows (see `proseShingles`); empty otherwise.
   */
  paraphrase: string[];
  shortQuotes: string[];
  quoted: string;
  /** Last word of the speaker's name, when the sentence names one. */
  speaker?: string;
  /** The speaker's own words, when the sentence is little more than a quotation and who said it. */
  direct?: string;
  /** What the speaker said, when the sentence is reported speech ("X said that …"). */
  clause?: string;
  /** Who did what, for a reported sentence whose main verb is found (see `claimCore`). */
  core?: ClaimCore;
  /** What it counts, found when the digest first compares it (see `countedFigures`). */
  figures?: Figures;
}

export interface UnitSection {
  heading?: string;
  kind: ItemKind;
  units: Unit[];
}

export interface ItemAnalysis {
  /** The item's kind: its hint or what the classifier found, whichever is stronger. */
  kind: ItemKind;
  sections: UnitSection[];
  /** Sentences per term and in all, the item's share of the story's IDF. */
  df: Map<string, number>;
  sentenceCount: number;
  /** Term counts over the item's reported sentences: its contribution to the centre of the story. */
  reportedTf: Map<string, number>;
  /** Its opinion, analysis and advocacy pieces, with their gists. */
  pieces: OpinionPiece[];
}

const KIND_RANK: Record<ItemKind, number> = { report: 0, analysis: 1, advocacy: 2, opinion: 3 };

/**
 * Words the attribution finder sometimes takes for a speaker: "announced Wednesday it had…". A pronoun the
 * article never resolved to a name ("He suggested…" with no one named before) credits nobody a reader knows.
 */
const NOT_A_SPEAKER =
  /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|january|february|march|april|may|june|july|august|september|october|november|december|he|she|they|it|we|i|you|his|her|their)$/i;

function cleanAttribution(a: AttributionMatch | Attribution | undefined): Attribution | undefined {
  // "critics argue", "some say": nobody in particular, so no attribution to credit.
  if (!a || (a as Partial<AttributionMatch>).named === false || NOT_A_SPEAKER.test(a.speaker))
    return undefined;
  return a.outlet
    ? { speaker: a.speaker, verb: a.verb, outlet: a.outlet }
    : { speaker: a.speaker, verb: a.verb };
}

/**
 * A reported fact: a finished sentence of the item's own text, not its headline, a prompt or a caption. A
 * sentence that speaks to the reader or for the outlet ("Shop our deals", "call or text the hotline", "Every
 * week we wrap up …") reports nothing, unless it gives what a named source said.
 */
function usableSentence(
  text: string,
  words: number,
  norm: string,
  item: Item,
  title: string,
  attribution: Attribution | undefined,
): boolean {
  return (
    words >= 6 &&
    words <= 90 &&
    isComplete(text) &&
    !/\?["'”’)]*$/.test(text) &&
    // "Which carries a sentence of 25 years.": a relative clause cut off from the sentence it belongs to.
    !/^Which\s/.test(text) &&
    norm !== title &&
    !isBoilerplate(text) &&
    !isPhotoCaption(text, item.publishedAt) &&
    !(attribution === undefined && addressesReader(text)) &&
    // A roundup's summary lists its contents ("Israel's search of a major hospital in Gaza."): a line there
    // reports something only if it has a verb.
    !(ROUNDUP.test(item.title) && !hasClauseVerb(text))
  );
}

/** A newsletter or briefing named as one: "Friday Briefing", "Evening newsletter: …", "The Morning Report". */
const ROUNDUP = /\b(?:briefing|newsletter|morning report|evening report)\b/i;

function analyse(item: Item): ItemAnalysis {
  const hint = item.kindHint;
  const article = analyseArticle({
    title: item.title,
    text: item.text ?? item.description ?? '',
    summary: item.text === undefined,
    url: item.url,
    categories: item.categories,
    feedKind: hint === 'opinion' || hint === 'analysis' ? hint : undefined,
    pageType: item.pageType,
    section: item.section,
    source: item.source,
  });
  const kind = hint && KIND_RANK[hint] > KIND_RANK[article.kind] ? hint : article.kind;
  const title = normalise(item.title);
  const sections = article.sections.map((section): UnitSection => {
    const sectionKind = kind === 'report' || KIND_RANK[section.kind] > KIND_RANK[kind] ? section.kind : kind;
    const units = section.sentences.map((s): Unit => {
      let label = s.label;
      let attribution = cleanAttribution(s.attribution);
      let reported = false;
      if (kind === 'report') {
        reported = sectionKind === 'report' && label === 'fact';
      } else if (kind === 'analysis' && sectionKind === 'analysis') {
        // An analysis piece labels all its sentences as commentary; the statements it reports from named
        // speakers still corroborate the story's facts, its own reasoning does not.
        const own = classifySentence(s.text);
        attribution = cleanAttribution(own.attribution);
        reported = own.label === 'fact' && attribution !== undefined;
        if (reported) label = 'fact';
      }
      // "PRETORIA, South Africa (AP) — " or "DUBAI: " places the story; it is not part of what happened.
      const written = tidyPunctuation(withoutPicturePointers(withoutDateline(s.text)));
      let norm = normalise(written);
      let words = wordCount(written);
      reported &&= usableSentence(written, words, norm, item, title, attribution);
      // A fact stands alone in a list, so a "But" tying it to the sentence before goes; the sentences of an
      // opinion piece's gist are read together and keep the writer's words.
      const text = reported ? withoutLeadingConnective(written) : written;
      if (text !== written) {
        norm = normalise(text);
        words = wordCount(text);
      }
      const terms = contentTerms(text);
      const quotes = quotations(text);
      const speech = { text, quotes, attribution };
      const clause = reported ? reportedClause(speech) : undefined;
      const core = reported ? claimCore(clause ?? text) : undefined;
      const direct = reported ? directQuote(speech) : undefined;
      return {
        text,
        label,
        attribution,
        reported,
        terms,
        termSet: new Set(terms),
        tf: termCounts(terms),
        words,
        norm,
        quotes,
        shingles: quoteShingles(quotes),
        paraphrase: reported && attribution && !direct ? proseShingles(text) : [],
        shortQuotes: shortQuotes(quotes),
        quoted: ` ${quotes.flatMap((q) => q.tokens).join(' ')} `,
        speaker: attribution && speakerGroup(attribution),
        direct,
        clause,
        core,
      };
    });
    return { heading: section.heading, kind: sectionKind, units };
  });
  const units = sections.flatMap((section) => section.units);
  const reportedTf = new Map<string, number>();
  for (const u of units)
    if (u.reported) for (const [t, n] of u.tf) reportedTf.set(t, (reportedTf.get(t) ?? 0) + n);
  const partial = { kind, sections };
  return {
    ...partial,
    df: documentFrequencies(units.map((u) => u.termSet)),
    sentenceCount: units.length,
    reportedTf,
    pieces: opinionPieces(partial, item.title),
  };
}

interface CacheEntry {
  /** The fields the analysis was made from. */
  basis: unknown[];
  analysis: ItemAnalysis;
}

/**
 * Sentence classification is the costly part of a digest, and a story is re-digested on every update while
 * its items stay the same objects; remembering the analysis per item object keeps updates cheap. The entry is
 * checked against the fields it was made from, so a changed item is analysed again.
 */
const cache = new WeakMap<Item, CacheEntry>();

export function analyseItem(item: Item): ItemAnalysis {
  const basis = [
    item.title,
    item.text ?? item.description,
    item.url,
    item.kindHint,
    item.pageType,
    item.section,
    item.categories?.join('\n'),
    item.publishedAt,
  ];
  const hit = cache.get(item);
  if (hit?.basis.every((v, i) => v === basis[i])) return hit.analysis;
  const analysis = analyse(item);
  cache.set(item, { basis, analysis });
  return analysis;
}
