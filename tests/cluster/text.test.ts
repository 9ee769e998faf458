import { describe, expect, it, vi } from 'vitest';
import { bcubed } from '../../src/cluster/bcubed.js';
import { DEFAULT_FEATURE_WEIGHTS, FeatureExtractor } from '../../src/cluster/features.js';
import { stem } from '../../src/cluster/stem.js';
import { termAt, tokenize, tokenizeText, WordCache, WordRun } from '../../src/cluster/tokenize.js';
import { Vocabulary } from '../../src/cluster/vocabulary.js';

describe('stem (Porter)', () => {
  it('reduces inflections to one stem', () => {
    const cases: [string, string][] = [
      ['caresses', 'caress'],
      ['ponies', 'poni'],
      ['cats', 'cat'],
      ['feed', 'feed'],
      ['agreed', 'agre'],
      ['plastered', 'plaster'],
      ['motoring', 'motor'],
      ['hopping', 'hop'],
      ['filing', 'file'],
      ['happy', 'happi'],
      ['relational', 'relat'],
      ['triplicate', 'triplic'],
      ['adjustable', 'adjust'],
    ];
    for (const [word, expected] of cases) expect(stem(word), word).toBe(expected);
    expect(stem('banning')).toBe(stem('banned'));
    expect(stem('banned')).toBe(stem('ban'));
    expect(stem('elections')).toBe(stem('election'));
  });

  it('applies each step of the algorithm as Porter gives it', () => {
    // Porter's own examples, step by step, and words that reach the edges of a rule (a y after a vowel, a
    // double consonant kept before l, s or z, an -ion kept unless s or t precedes it).
    const cases: [string, string][] = [
      ['caress', 'caress'],
      ['bled', 'bled'],
      ['sing', 'sing'],
      ['conflated', 'conflat'],
      ['troubled', 'troubl'],
      ['sized', 'size'],
      ['tanned', 'tan'],
      ['falling', 'fall'],
      ['hissing', 'hiss'],
      ['fizzed', 'fizz'],
      ['failing', 'fail'],
      ['sky', 'sky'],
      ['conditional', 'condit'],
      ['rational', 'ration'],
      ['valenci', 'valenc'],
      ['digitizer', 'digit'],
      ['conformabli', 'conform'],
      ['radicalli', 'radic'],
      ['differentli', 'differ'],
      ['vileli', 'vile'],
      ['analogousli', 'analog'],
      ['vietnamization', 'vietnam'],
      ['predication', 'predic'],
      ['operator', 'oper'],
      ['feudalism', 'feudal'],
      ['decisiveness', 'decis'],
      ['hopefulness', 'hope'],
      ['callousness', 'callous'],
      ['formaliti', 'formal'],
      ['sensitiviti', 'sensit'],
      ['sensibiliti', 'sensibl'],
      ['formative', 'form'],
      ['formalize', 'formal'],
      ['electriciti', 'electr'],
      ['electrical', 'electr'],
      ['hopeful', 'hope'],
      ['goodness', 'good'],
      ['revival', 'reviv'],
      ['allowance', 'allow'],
      ['inference', 'infer'],
      ['airliner', 'airlin'],
      ['gyroscopic', 'gyroscop'],
      ['defensible', 'defens'],
      ['irritant', 'irrit'],
      ['replacement', 'replac'],
      ['adjustment', 'adjust'],
      ['dependent', 'depend'],
      ['adoption', 'adopt'],
      ['homologou', 'homolog'],
      ['communism', 'commun'],
      ['activate', 'activ'],
      ['angulariti', 'angular'],
      ['homologous', 'homolog'],
      ['effective', 'effect'],
      ['bowdlerize', 'bowdler'],
      ['probate', 'probat'],
      ['rate', 'rate'],
      ['cease', 'ceas'],
      ['controll', 'control'],
      ['roll', 'roll'],
      ['yelling', 'yell'],
      ['played', 'plai'],
      ['toy', 'toi'],
      ['says', 'sai'],
      ['eyes', 'ey'],
      ['hayes', 'hay'],
      ['opinion', 'opinion'],
      ['religions', 'religion'],
    ];
    for (const [word, expected] of cases) expect(stem(word), word).toBe(expected);
  });
});

describe('tokenize', () => {
  it('drops stopwords and stems', () => {
    expect(tokenize('The ECB is unlikely to end sterilisation of purchases')).toEqual([
      'ecb',
      'unlik',
      'end',
      'sterilis',
      'purchas',
    ]);
  });

  it('drops the words that name a roundup’s format', () => {
    expect(tokenize('Tuesday briefing: the ferry podcast and newsletter')).toEqual(['tuesdai', 'ferri']);
  });

  it('keeps numbers whole and abbreviations apart from stopwords', () => {
    expect(tokenize('Chrysler recalls 37,000 cars in the U.S. for $1.8B')).toEqual([
      'chrysler',
      'recal',
      '37000',
      'car',
      'us',
      '1.8b',
    ]);
    expect(tokenize('US stocks fall')).toContain('us');
    expect(tokenize('tell us more')).not.toContain('us');
  });

  it('splits hyphenated compounds and drops possessives', () => {
    expect(tokenize("Europe's half-baked bank union")).toEqual(['europ', 'half', 'bake', 'bank', 'union']);
  });

  it('marks capitals as uninformative in Title Case and at sentence starts', () => {
    const title = tokenizeText('Miley Cyrus Performs In Underwear After Missing Costume Change');
    expect(title.every((t) => t.caseBlind)).toBe(true);
    const sentence = tokenizeText('Fans say Miley Cyrus performed in her underwear');
    const byTerm = new Map(sentence.map((t) => [t.surface, t]));
    expect(byTerm.get('fans')?.caseBlind).toBe(true);
    expect(byTerm.get('cyrus')?.caseBlind).toBe(false);
    expect(byTerm.get('cyrus')?.cap).toBe(true);
    expect(byTerm.get('underwear')?.cap).toBe(false);
  });
});

describe('Vocabulary: incremental IDF with decay', () => {
  const H = 3_600_000;

  it('gives rare terms more weight than common ones, from what it has seen so far', () => {
    const v = new Vocabulary(72);
    const common = v.intern('market', 'market');
    const rare = v.intern('sbarro', 'sbarro');
    v.advance(0);
    for (let i = 0; i < 20; i++) v.observe(i === 0 ? [common, rare] : [common]);
    expect(v.idf(rare)).toBeGreaterThan(v.idf(common));
    expect(v.docFreq(common)).toBeCloseTo(20);
  });

  it('lets document frequencies decay with their half-life, and forgets unused terms', () => {
    const v = new Vocabulary(10);
    const a = v.intern('alpha', 'alpha');
    const b = v.intern('beta', 'beta');
    v.advance(0);
    v.observe([a, b]);
    v.hold(b, 1); // held by a live story
    v.advance(10 * H);
    expect(v.docFreq(a)).toBeCloseTo(0.5);
    v.advance(20 * H);
    expect(v.docFreq(a)).toBeCloseTo(0.25);
    const freed = v.prune();
    expect(freed).toEqual([a]);
    expect(v.lookup('alpha')).toBeUndefined();
    expect(v.lookup('beta')).toBe(b);
    // A freed id is reused.
    expect(v.intern('gamma', 'gamma')).toBe(a);
  });

  it('learns which words are names from where capitals are informative', () => {
    const v = new Vocabulary(72);
    const altman = v.intern('altman', 'altman');
    const board = v.intern('board', 'board');
    v.noteCase(altman, true);
    v.noteCase(altman, true);
    v.noteCase(board, false);
    v.noteCase(board, true);
    expect(v.isName(altman)).toBe(true);
    expect(v.isName(board)).toBe(false);
  });
});

describe('FeatureExtractor', () => {
  function weights(fx: FeatureExtractor, v: Vocabulary, text: string, terms: string[]): number[] {
    const { vec } = fx.extract({ title: text }, 0);
    return terms.map((term) => {
      const id = v.lookup(term);
      const k = id === undefined ? -1 : vec.ids.indexOf(id);
      return k < 0 ? 0 : vec.w[k]!;
    });
  }

  it('weights names and numbers up', () => {
    const v = new Vocabulary(72);
    const fx = new FeatureExtractor(v, DEFAULT_FEATURE_WEIGHTS);
    // Same document frequencies for "turner" and "painter"; only capitalisation differs.
    fx.extract({ title: 'a turner and a painter' }, 0);
    const [named, plain] = weights(fx, v, 'Reports say that Turner met with the painter yesterday evening', [
      'turner',
      'painter',
    ]);
    expect(named).toBeGreaterThan(plain! * 1.3);
    const v2 = new Vocabulary(72);
    const fx2 = new FeatureExtractor(v2, DEFAULT_FEATURE_WEIGHTS);
    fx2.extract({ title: 'seventy 70' }, 0);
    const [number, word] = weights(fx2, v2, 'seventy 70', ['70', 'seventi']);
    expect(number).toBeGreaterThan(word!);
  });

  it('produces unit vectors with ascending ids, a name-pair feature and entities', () => {
    const v = new Vocabulary(72);
    const fx = new FeatureExtractor(v, DEFAULT_FEATURE_WEIGHTS);
    const { vec, entities } = fx.extract(
      {
        title: 'Board ousts Sam Altman',
        description: 'The board said Sam Altman was not candid, 2,000 staff say.',
      },
      0,
    );
    const norm = Math.sqrt(vec.w.reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1);
    expect([...vec.ids].sort((a, b) => a - b)).toEqual(vec.ids);
    expect(v.lookup('sam_altman')).toBeDefined();
    expect(vec.ids).toContain(v.lookup('sam_altman'));
    expect(entities).toContain('Sam Altman');
    expect(entities).toContain('2,000');
  });

  it('reads names without their possessive ending, and no lone weekday as a name', () => {
    const v = new Vocabulary(72);
    const fx = new FeatureExtractor(v, DEFAULT_FEATURE_WEIGHTS);
    const { entities } = fx.extract(
      {
        title: 'Markets rally',
        description: "On Sunday OpenAI's Sam Altman met Argentina’s new leader. Sunday's talks went well.",
      },
      0,
    );
    expect(entities).toEqual(expect.arrayContaining(['OpenAI', 'Sam Altman', 'Argentina']));
    expect(entities.join('|')).not.toMatch(/'s|’s|Sunday/);
  });

  it("ends a name at a comma, a question mark or an acronym's full stop, and reads on past a title's dot", () => {
    const v = new Vocabulary(72);
    const fx = new FeatureExtractor(v, DEFAULT_FEATURE_WEIGHTS);
    // After a full stop a capital may only start a sentence: Smith and Guterres are known as names from an
    // earlier text.
    fx.extract(
      {
        title: 'Talks go on',
        description: 'Officials spoke with Smith and Guterres about the plan for hours.',
      },
      0,
    );
    const { entities } = fx.extract(
      {
        title: 'Markets rally',
        description:
          'Who is Javier Milei? He said that he would meet Sergio Massa, Argentina’s outgoing minister, and ' +
          'Gen. Smith in Plains, Georgia, after talks at the UN. Guterres said little.',
      },
      0,
    );
    expect(entities).toEqual(
      expect.arrayContaining(['Javier Milei', 'Sergio Massa', 'Argentina', 'Gen Smith', 'Plains', 'Georgia']),
    );
    expect(entities).toEqual(expect.arrayContaining(['UN', 'Guterres']));
    expect(entities.join('|')).not.toMatch(/Massa Argentina|UN Guterres/);
  });

  it('tells plain words from names and numbers', () => {
    const v = new Vocabulary(72);
    const fx = new FeatureExtractor(v, DEFAULT_FEATURE_WEIGHTS);
    const n = fx.run(
      { title: 'Storm floods a lagoon city', description: 'The storm left 120 homes in Venice under water.' },
      0,
    );
    const plainOf = (term: string) => {
      const id = v.lookup(term);
      const k = Array.from(fx.ids.subarray(0, n)).indexOf(id ?? -1);
      expect(k).toBeGreaterThanOrEqual(0);
      return fx.plain[k];
    };
    expect(plainOf('storm')).toBe(1);
    expect(plainOf('water')).toBe(1);
    expect(plainOf('venic')).toBe(0);
    expect(plainOf('120')).toBe(0);
  });

  it('reads through markup and entities in feed summaries', () => {
    const v = new Vocabulary(72);
    const fx = new FeatureExtractor(v, DEFAULT_FEATURE_WEIGHTS);
    fx.extract(
      { title: 'Title', description: '<img src="https://x.ru/a.jpg" alt="Preview" /> Kool &amp; The Gang' },
      0,
    );
    expect(v.lookup('img')).toBeUndefined();
    expect(v.lookup('preview')).toBeUndefined();
    expect(v.lookup('amp')).toBeUndefined();
    expect(v.lookup('kool')).toBeDefined();
  });
});

describe('WordCache', () => {
  const read = (cache: WordCache, text: string) => {
    const run = new WordRun();
    cache.scan(text, run);
    return Array.from({ length: run.count }, (_, i) => ({
      raw: cache.info(run, i).raw,
      flags: run.flags[i],
      ids:
        run.nIds[i]! < 0
          ? [...cache.idsOf(cache.info(run, i))]
          : Array.from(run.ids.subarray(i * 3, i * 3 + run.nIds[i]!)),
    }));
  };

  it('reads words the same before and after its table grows and is swept', () => {
    const vocab = new Vocabulary(72);
    const cache = new WordCache(vocab);
    const text = 'Sam Altman returns to OpenAI after board talks; U.S. markets rise 1.8% on 37,000 jobs';
    const before = read(cache, text);
    // Enough distinct words to outgrow the smallest table several times over.
    const filler = Array.from({ length: 20_000 }, (_, k) => `w${k.toString(36)}x`).join(' ');
    read(cache, filler);
    expect(read(cache, text)).toEqual(before);
    cache.sweep(0, 0);
    expect(read(cache, text)).toEqual(before);
  });

  it('keeps the words in use across a sweep, without looking them up again', () => {
    const cache = new WordCache(new Vocabulary(72));
    const text = 'Storm Ciarán batters northern France as millions lose power';
    read(cache, text);
    cache.sweep(0, 0);
    const lookups = vi.spyOn(cache, 'get');
    const again = new WordRun();
    cache.scan(text, again);
    expect(again.count).toBe(9);
    expect(lookups).not.toHaveBeenCalled();
  });

  it('forgets the words not seen within the time it keeps them, and only those', () => {
    const hour = 3_600_000;
    const cache = new WordCache(new Vocabulary(72));
    read(cache, 'alpha bravo');
    cache.sweep(1 * hour, 3 * hour);
    read(cache, 'charlie');
    // However often it is swept, a word seen within the time it keeps words stays.
    cache.sweep(2 * hour, 3 * hour);
    cache.sweep(3 * hour, 3 * hour);
    expect(cache.size).toBe(3);
    // Three hours before now is after "alpha" and "bravo" were last seen (before the first sweep), not "charlie".
    cache.sweep(4.5 * hour, 3 * hour);
    expect(cache.size).toBe(1);
    const lookups = vi.spyOn(cache, 'get');
    expect(read(cache, 'charlie alpha').map((w) => w.raw)).toEqual(['charlie', 'alpha']);
    expect(lookups.mock.calls.map(([raw]) => raw)).toEqual(['alpha']);
  });

  it('gives a kept word the ids its terms have after the vocabulary frees and reuses ids', () => {
    const vocab = new Vocabulary(1);
    const cache = new WordCache(vocab);
    vocab.advance(0);
    const text = 'Ceasefire talks resume in Doha';
    const first = read(cache, text);
    // A week later every term has decayed away and is freed; new terms take the freed ids.
    vocab.advance(7 * 24 * 3_600_000);
    expect(vocab.prune().length).toBeGreaterThan(0);
    for (const word of ['alpha', 'bravo', 'charlie', 'delta', 'echo']) vocab.intern(word, word);
    const after = read(cache, text);
    expect(after.map((w) => w.raw)).toEqual(first.map((w) => w.raw));
    for (const w of after) {
      const word = cache.get(w.raw);
      expect(w.ids).toEqual(Array.from({ length: word.termCount }, (_, k) => vocab.lookup(termAt(word, k))));
    }
    // Some of those ids changed hands, or the check above would prove nothing.
    expect(after.map((w) => w.ids)).not.toEqual(first.map((w) => w.ids));
  });
});

describe('bcubed', () => {
  it('scores a perfect clustering 1 and a lumped one by cluster sizes', () => {
    expect(bcubed(['a', 'a', 'b'], ['x', 'x', 'y'])).toEqual({ precision: 1, recall: 1, f1: 1 });
    const lumped = bcubed(['a', 'a', 'a', 'a'], ['x', 'x', 'y', 'y']);
    expect(lumped.precision).toBeCloseTo(0.5);
    expect(lumped.recall).toBe(1);
    const split = bcubed(['a', 'b', 'c', 'd'], ['x', 'x', 'y', 'y']);
    expect(split.precision).toBe(1);
    expect(split.recall).toBeCloseTo(0.5);
  });
});
