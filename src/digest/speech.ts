import type { Attribution } from '../model.js';
import { trimTrailing } from '../util/trim.js';
import { isComplete, type Quotation, wordCount } from './text.js';

/** What the speech helpers need of a sentence. */
export interface Speech {
  text: string;
  quotes: Quotation[];
  attribution?: Attribution;
}

const REPORTING_CUE =
  /\b(said|says|told|tells|wrote|writes|writing|posted|posting|tweeted|added|stated|declared|announced|according)\b/i;

/**
 * The words of a direct quotation when the sentence is little more than the quote and who said it
 * ('"We won a concession," Witkoff told CNN.'), or undefined.
 */
export function directQuote(unit: Speech): string | undefined {
  if (unit.quotes.length !== 1) return undefined;
  const q = unit.quotes[0]!;
  const inner = unit.text
    .slice(q.start + 1, q.end - 1)
    .trim()
    .replace(/^(\.\.\.|…)\s*/, '');
  const outside = `${unit.text.slice(0, q.start)} ${unit.text.slice(q.end)}`;
  if (wordCount(inner) < 4 || !/^[\p{Lu}\p{N}]/u.test(inner)) return undefined;
  if (wordCount(outside) > 12 || !(unit.attribution || REPORTING_CUE.test(outside))) return undefined;
  const text = trimTrailing(inner, ',;:–—-', true);
  return isComplete(text) ? text : `${text}.`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WEEKDAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const DAYTIME = '(?:\\s+(?:morning|afternoon|evening|night))?';
/** A day named without "on": "said yesterday that", "said overnight the talks …". */
const DAY_WORD = '(?:today|yesterday|tonight|overnight)';
/** Adverbial phrases between a reporting verb and "that", ending with the "that". */
const SETTING = new RegExp(
  `^\\s+(?:(?:on|in|at|during|after|before|late|early|earlier|last|this|to)\\b[^,"“”]{0,60}?\\s+|(?:${WEEKDAY}|${DAY_WORD})\\s+)that\\s+`,
);
/** Verbs followed by what was said ("said Russia had agreed"), unlike "described it as" or "called for". */
const CLAUSE_VERBS = new Set(
  (
    'said says told tells stated added claimed explained noted revealed warned cautioned insisted argued ' +
    'confirmed announced wrote writes emphasized emphasised stressed acknowledged reported believes believed ' +
    'maintained asserted suggested indicated conceded admitted replied responded predicted estimated agreed'
  ).split(' '),
);
/** Reporting verbs that also take a plain object ("announced the deal", "conceded defeat"). */
const OBJECT_VERBS = new Set(
  (
    'announced confirmed conceded admitted acknowledged revealed reported predicted estimated agreed ' +
    'emphasized emphasised stressed indicated suggested maintained claimed claims'
  ).split(' '),
);
/**
 * "added X to its list", "added Y to the programme": what was added and where. "added the ferry would sail to the
 * islands" has a verb before its "to", and reports what was said.
 */
const ADDED_TO =
  /^\s+(?:(?!\b(?:would|will|could|can|should|must|may|might|was|were|is|are|had|has|have|did|does)\b)[^,;:"“”]){1,80}?\bto\s+(?:its|their|his|her|the|a|an|our)\s/i;
/**
 * What follows a reporting verb when it takes a complement rather than what was said: "warned of …", "responded
 * by …", "claimed to have …", "said in a statement …", "insisted on …". Cut there, the rest is a fragment.
 */
const COMPLEMENT_START =
  /^\s*(?:of|by|to|about|against|for|on|upon|with|without|from|at|in|into|over|as|during|after|before|under)\b/i;
/** A head that ends in a conjunction before the speaker holds a clause of its own ("X happened and Canada …"). */
const CLAUSE_BEFORE_SPEAKER =
  /\b(?:and|but|or|while|as|after|before|when|because|so|then|since|although|until)\s*$/i;

/** Words allowed between a speaker and the verb: "Witkoff later said", "Rubio has repeatedly said". */
const BETWEEN = new Set([
  'also',
  'later',
  'earlier',
  'has',
  'had',
  'have',
  'previously',
  'repeatedly',
  'again',
]);

export function lastWord(speaker: string): string {
  return speaker.split(/\s+/).at(-1) ?? speaker;
}

function finish(rest: string): string | undefined {
  const text = rest.trim();
  if (wordCount(text) < 5 || /^["“”‘:,;]/.test(text) || !isComplete(text)) return undefined;
  // "OpenAI said he would return": cut from its attribution, "He would return" no longer says who.
  if (/^(he|she|it|they|we|i|his|her|its|their|our|my)\b/i.test(text)) return undefined;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The words before a cut attribution as a sentence: "…by train, , according to AFP." gives "…by train.", and
 * "…at 4:45 p.m., police said." gives "…at 4:45 p.m." with no second full stop.
 */
function closed(head: string): string {
  const text = trimTrailing(head, ',;:', true);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * What a speaker said, with the attribution clause cut, for reported speech the attribution then stands for:
 * "Witkoff said Russia had agreed to X." → "Russia had agreed to X."; "According to officials, X." → "X.";
 * "X, the ministry said." → "X." Undefined when the sentence is not shaped like that.
 */
export function reportedClause(unit: Speech): string | undefined {
  const a = unit.attribution;
  if (!a) return undefined;
  const text = unit.text.trim();
  const name = lastWord(a.speaker);
  if (/^according to$/i.test(a.verb)) {
    const front = /^According to ([^,]{2,80}),\s+(.+)$/i.exec(text);
    if (front) return front[1]!.includes(name) ? finish(front[2]!) : undefined;
    const back = /^(.+?),\s+according to ([^,"“”]{2,80})\.$/i.exec(text);
    return back && back[2]!.includes(name) ? finish(closed(back[1]!)) : undefined;
  }
  const verb = CLAUSE_VERBS.has(a.verb.toLowerCase())
    ? new RegExp(`\\b${escapeRe(a.verb)}\\b`).exec(text)
    : null;
  // The speaker must open the sentence: "Witkoff said X", not '"Y," Trump said after the meeting, while …'.
  if (verb && !/["“”]/.test(text.slice(0, verb.index))) {
    const before = trimTrailing(text.slice(0, verb.index), ',', true);
    const words = before.split(/\s+/);
    while (words.length > 1 && BETWEEN.has(words.at(-1)!.toLowerCase())) words.pop();
    const head = words.join(' ').replace(/,$/, '');
    const lead = head.endsWith(a.speaker) ? head.slice(0, head.length - a.speaker.length) : '';
    const speakerFirst =
      words.length <= 10 &&
      (head.endsWith(name) || /^(he|she)$/i.test(head)) &&
      !CLAUSE_BEFORE_SPEAKER.test(lead.replace(/\b(?:the|a|an)\s*$/i, ''));
    if (speakerFirst) {
      let rest = text.slice(verb.index + a.verb.length);
      if (/^tel|^told/i.test(a.verb)) {
        // "told CNN that", "told reporters on Sunday that": what follows "that" is what was said.
        const object = /^\s+(?:[\w.’'&-]+\s+){1,4}?that\s+/.exec(rest);
        rest = object ? rest.slice(object[0].length) : '';
      } else {
        if (a.outlet)
          rest = rest.replace(new RegExp(`^\\s*(?:(?:on|to|in)\\s+)?(?:the\\s+)?${escapeRe(a.outlet)}`), '');
        // "said on Sunday that", "said in a statement on Friday that": circumstances, then what was said.
        const setting = SETTING.exec(rest);
        let introduced = setting !== null;
        if (setting) rest = rest.slice(setting[0].length);
        else {
          rest = rest.replace(
            new RegExp(
              `^\\s*(?:(?:late|early|earlier)\\s+)?(?:(?:on\\s+)?${WEEKDAY}${DAYTIME}|${DAY_WORD})\\b`,
            ),
            '',
          );
          const that = /^\s*,?\s*that\s+/.exec(rest);
          if (that) rest = ` ${rest.slice(that[0].length)}`;
          introduced = that !== null;
        }
        // "Qatar announced the deal and said 50 hostages …": what was said follows the second verb.
        const second =
          /^\s*[^,"“”]{1,60}?\s+and\s+(?:said|says|told\s+[\w.’'&-]+(?:\s+[\w.’'&-]+)?|added|warned|stated)(?:\s+that)?\s+/.exec(
            rest,
          );
        if (second) rest = rest.slice(second[0].length);
        // "Massa conceded defeat to Milei": a verb that also takes a plain object reports a clause only after "that".
        else if (!introduced && OBJECT_VERBS.has(a.verb.toLowerCase())) rest = '';
        // "The government has added German firm Knauf to its list": adding a thing to another says nothing.
        else if (!introduced && /^add/i.test(a.verb) && ADDED_TO.test(rest)) rest = '';
        // "warned of headaches", "responded by closing": the verb's complement, not what was said.
        else if (!introduced && COMPLEMENT_START.test(rest)) rest = '';
      }
      const clause = /^\s*[,:]?\s*["“]/.test(rest) ? undefined : finish(rest);
      if (clause) return clause;
    }
  }
  // "X, the ministry said." / "X, said Rubio."
  const tail = /^(.+),\s+([^,"“”]{2,80})\.$/.exec(text);
  if (tail && !/^["“]/.test(tail[1]!)) {
    const clause = tail[2]!;
    const wordsIn = clause.split(/\s+/).length;
    // The attribution closes the sentence: after its verb come only circumstances ("on Friday"), not what was
    // said ("…, the libertarian said he'd freeze relations").
    const at = clause.indexOf(a.verb);
    const after =
      at < 0
        ? []
        : clause
            .slice(at + a.verb.length)
            .trim()
            .split(/\s+/)
            .filter(Boolean);
    const closes =
      after.length <= 5 && !after.some((w) => /^(?:he|she|it|they|we|i|that)(?:['’][a-z]+)?$/i.test(w));
    if (
      wordsIn <= 8 &&
      at >= 0 &&
      closes &&
      (clause.includes(name) || /\b(he|she)\b/i.test(clause.slice(0, at)))
    )
      return finish(closed(tail[1]!));
  }
  return undefined;
}

/**
 * Unnamed officialdom: reports of one statement credit it to "officials" in one outlet and to "authorities" or
 * "the government" in another, so these count as one speaker.
 */
const OFFICIALDOM = new Set(['officials', 'official', 'authorities', 'government']);

/** Spellings of one title that outlets differ on. */
const SPELLINGS: Record<string, string> = { advisor: 'adviser', advisors: 'advisers' };

export function speakerGroup(a: Attribution): string {
  const word = lastWord(a.speaker).toLowerCase();
  return OFFICIALDOM.has(word) ? 'officials' : (SPELLINGS[word] ?? word);
}

/** Short quotations ("Article 5-like") as padded word runs, to look for inside longer quotations. */
export function shortQuotes(quotes: Quotation[]): string[] {
  return quotes
    .filter(
      (q) =>
        q.tokens.length >= 2 && q.tokens.length < 5 && q.tokens.some((w) => /\d/.test(w) || w.length > 3),
    )
    .map((q) => ` ${q.tokens.join(' ')} `);
}
