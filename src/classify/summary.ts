import { hasClauseVerb, isKnownWord } from './pos.js';

/**
 * Words a sentence does not end on: a feed that cuts its summary at a word boundary without an ellipsis
 * ("…after he allegedly stabbed one of the") leaves one of these last more often than not.
 */
const NOT_LAST =
  /^(the|a|an|of|to|in|on|at|by|for|from|with|into|onto|over|under|about|after|before|since|until|than|as|and|or|but|nor|so|if|that|which|who|whom|whose|when|where|while|because|his|her|their|its|our|your|my|this|these|those|is|are|was|were|be|been|being|has|have|had|will|would|can|could|should|may|might|must|not|no|very|more|most)$/i;

/** First words of names, which a summary cut short leaves last: "… asylum-seekers from the Middle". */
const NAME_START =
  /^(?:Middle|New|United|South|North|East|West|Hong|Saudi|Sri|Los|Las|San|Santa|Sao|São|Buenos|Costa|Puerto|Sierra|Burkina|El|Al)$/;

/** A summary's end that shows it was cut or runs on: an ellipsis, a comma, a colon or a dash. */
const OPEN_END = /(?:…|\.\.\.|[,;:–—-])["'”’»)\]]*$/;

/** Ends with terminal punctuation, possibly inside closing quotes or brackets. */
const CLOSED = /[.!?]["'”’»)\]]*$/;

const MIN_WORDS = 6;
/** Longer one-sentence summaries are more often a page's opening cut at a length than a lede. */
const MAX_WORDS = 50;

/** "…", "...", "[…]" or "[...]" ending a text, with any closing quotes or brackets after it: an excerpt cut short. */
export const TRAILING_ELLIPSIS = /(?:…|\.{3}|\[(?:…|\.{3})\])["'”’»)\]]*$/;

/**
 * Words that open an aside a summary's main clause does without: a participle ("…, creating another 330 acres of
 * land since…"), "with", "while", "which" and the like. Not "according", "saying" or "citing", which say whose
 * claim the clause is, nor a noun ("…, the ministry said…"), which may be the speaker.
 */
const ASIDE =
  /^(?!according$|saying$|citing$)\p{Ll}+ing$|^(with|while|amid|after|as|which|who|including|despite)$/u;

/** Words that open a subordinate clause: cut at its comma, such a sentence may have lost its main clause. */
const SUBORDINATE =
  /^(while|if|although|though|because|as|when|whenever|after|before|since|unless|until|once|whereas)\b/i;

/**
 * The full stop some feeds drop from their one-sentence summaries, put back: ABC News runs the AP lede and RT its
 * standfirst without one ("A moderate earthquake shook eastern Myanmar on Friday morning"), and a sentence without
 * its stop is not told from an excerpt cut short, so it would never be a reported fact. The sentence is taken
 * as whole only when nothing says it was cut: it ends on a word the tagger knows, or a name or a number (not on a
 * fragment, "TikTok will proh"), that can end a sentence (not "the" or "of"), not on an ellipsis, a comma, a dash
 * or a bracket (a photo credit), and it has a verb that can head a clause. Anything else is returned unchanged.
 */
export function closedSummarySentence(sentence: string): string {
  const t = sentence.trim();
  if (CLOSED.test(t) || OPEN_END.test(t) || /[)\]]$/.test(t)) return sentence;
  return wholeClause(t) ? `${t}.` : sentence;
}

/**
 * The main clause of a summary's last sentence that a feed cut short with an ellipsis, when what was cut is an
 * aside after its last comma: "Vietnam has been ramping up its dredging …, creating another 330 acres of land
 * since December last…" gives "Vietnam has been ramping up its dredging …." An aside that may say whose claim it
 * is (", the ministry said…"), or a clause that opens with "While" or "If", gives nothing: undefined.
 */
export function clauseBeforeCut(sentence: string): string | undefined {
  const t = sentence.trim();
  if (!TRAILING_ELLIPSIS.test(t)) return undefined;
  const body = t.replace(TRAILING_ELLIPSIS, '').trimEnd();
  const comma = body.lastIndexOf(', ');
  if (comma < 0) return undefined;
  const aside = body.slice(comma + 2).split(/\s+/, 1)[0]!;
  const head = body.slice(0, comma).trim();
  if (!ASIDE.test(aside) || SUBORDINATE.test(head) || CLOSED.test(head) || OPEN_END.test(head))
    return undefined;
  return wholeClause(head) ? `${head}.` : undefined;
}

function count(text: string, mark: string): number {
  return text.split(mark).length - 1;
}

/** Reads as a whole clause without its closing punctuation: see `closedSummarySentence`. */
function wholeClause(t: string): boolean {
  // A quotation left open ("“First Lady Rosalynn Carter walked her own path") ends further on; a copyright mark
  // is a photo credit run into the text.
  if (count(t, '“') !== count(t, '”') || count(t, '"') % 2 === 1 || t.includes('©')) return false;
  const words = t.split(/\s+/);
  if (words.length < MIN_WORDS || words.length > MAX_WORDS) return false;
  const last = words[words.length - 1]!.replace(/["'”’»]+$/, '');
  if (!/[\p{L}\p{N}]$/u.test(last) || NOT_LAST.test(last) || NAME_START.test(last) || /^\p{Ll}$/u.test(last))
    return false;
  const known = /\p{N}/u.test(last) || /^\p{Lu}/u.test(last) || isKnownWord(last.replace(/['’]s$/, ''));
  if (!known) return false;
  return hasClauseVerb(t);
}

/**
 * The sentences of a feed summary's last line, the last one finished where it can be: its main clause when the
 * feed cut it short after one (`clauseBeforeCut`), or, when it is the whole summary (the line is the only one,
 * `onlyLine`, and holds no other sentence), with the full stop the feed dropped (`closedSummarySentence`).
 */
export function finishedSummaryEnd(sentences: string[], onlyLine: boolean): string[] {
  const last = sentences[sentences.length - 1];
  if (last === undefined) return sentences;
  const only = onlyLine && sentences.length === 1;
  const finished = clauseBeforeCut(last) ?? (only ? closedSummarySentence(last) : last);
  return [...sentences.slice(0, -1), finished];
}
