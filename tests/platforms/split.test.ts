import { describe, expect, it } from 'vitest';
import { renderConsoleUpdate } from '../../src/platforms/console/render.js';
import { renderDiscordUpdate } from '../../src/platforms/discord/render.js';
import { renderSlackUpdate } from '../../src/platforms/slack/render.js';
import {
  attributionText,
  clipUnits,
  oneLine,
  packEntries,
  safeHttpUrl,
  splitText,
  truncateWords,
  updateLead,
} from '../../src/platforms/split.js';
import { storyUpdate, VOCABULARY } from './fixture.js';

function randomWords(seed: number, count: number): string[] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: count }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]!);
}

describe('packEntries', () => {
  it('packs whole entries in order and never splits one that fits', () => {
    const entries = ['alpha beta', 'gamma', 'delta epsilon zeta', 'eta'];
    expect(packEntries(entries, 20)).toEqual(['alpha beta\ngamma', 'delta epsilon zeta', 'eta']);
    expect(packEntries(entries, 1000)).toEqual([entries.join('\n')]);
    expect(packEntries(['a', 'b', 'c'], 10, ', ')).toEqual(['a, b, c']);
  });

  it('splits an entry only when it alone exceeds the limit, at word boundaries', () => {
    const long = 'one two three four five six seven';
    expect(packEntries(['x', long, 'y'], 12)).toEqual(['x\none two', 'three four', 'five six', 'seven\ny']);
  });

  it('keeps every word whole and every chunk within the limit (fuzz)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const limit = 12 + (seed % 90);
      const entries = Array.from({ length: 1 + (seed % 13) }, (_, i) =>
        randomWords(seed * 31 + i, 1 + ((seed * (i + 3)) % 40)).join(' '),
      );
      const chunks = packEntries(entries, limit);
      for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(limit);
      // No word is cut: the words of the chunks are exactly the words of the entries, in order.
      expect(chunks.join(' ').split(/\s+/)).toEqual(entries.join(' ').split(/\s+/));
      // An entry that fits is found whole inside one chunk.
      for (const entry of entries.filter((e) => e.length <= limit)) {
        expect(chunks.some((c) => c.split('\n').includes(entry))).toBe(true);
      }
    }
  });
});

describe('splitText', () => {
  it('cuts a single over-long token hard, and only that token', () => {
    const token = 'x'.repeat(25);
    expect(splitText(`head ${token} tail`, 10)).toEqual(['head', 'xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx tail']);
  });

  it('never cuts a surrogate pair, an escaping backslash or an entity', () => {
    const emoji = '😀'.repeat(10);
    for (const piece of splitText(emoji, 5)) expect(piece).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    expect(splitText(emoji, 5).join('')).toBe(emoji);

    const escaped = '\\*'.repeat(10);
    const pieces = splitText(escaped, 5);
    for (const piece of pieces) expect(piece.match(/\\*$/)![0].length % 2).toBe(0);
    expect(pieces.join('')).toBe(escaped);

    const entities = 'a&amp;&lt;&gt;b'.repeat(5);
    const parts = splitText(entities, 7);
    for (const part of parts) {
      expect(part).not.toMatch(/&(?:a|am|l|g)?$/);
      expect(part).not.toMatch(/^(?:amp|mp|p|lt|t|gt);/);
      // A piece that would open with a Slack quote gets a zero-width space first.
      expect(part).not.toMatch(/^&gt;/);
    }
    expect(parts.join('').replaceAll('\u200b', '')).toBe(entities);
  });

  it('starts the piece after a hard cut with a letter when one is near', () => {
    // Cut at the limit, the second piece would open with a heading marker or a quote entity.
    expect(splitText(`${'a'.repeat(10)}## PWNED`, 10)).toEqual(['a'.repeat(9), 'a## PWNED']);
    expect(splitText(`${'a'.repeat(10)}&gt;quoted`, 10)).toEqual(['a'.repeat(9), 'a&gt;quote', 'd']);
    // With no letter near, the cut stays at the limit and the next piece opens with a zero-width space.
    expect(splitText('#'.repeat(25), 10)).toEqual([
      '#'.repeat(10),
      `\u200b${'#'.repeat(9)}`,
      `\u200b${'#'.repeat(6)}`,
    ]);
    // An escaping backslash is as safe a start as a letter.
    expect(splitText(`${'\\*'.repeat(6)}# x`, 10)).toEqual(['\\*'.repeat(5), '\\*# x']);
  });

  it('never splits inside a masked link, a bold name or a Slack link or date token', () => {
    const discord = `${'word '.repeat(10)}[a label of several words](<https://a.example/x>) tail`;
    const pieces = splitText(discord, 60);
    expect(pieces.some((p) => p.includes('[a label of several words](<https://a.example/x>)'))).toBe(true);
    const slack = `${'word '.repeat(10)}<https://a.example/x|a label of words> · <!date^1^{time}|2025-03-14 09:30 UTC>`;
    for (const piece of splitText(slack, 60))
      expect((piece.match(/</g) ?? []).length).toBe((piece.match(/>/g) ?? []).length);
    expect(splitText('lead words here **bold name of several words** tail', 35)).toEqual([
      'lead words here',
      '**bold name of several words** tail',
    ]);
  });

  it('clips to a length without splitting a surrogate pair', () => {
    expect(clipUnits(`${'x'.repeat(99)}😀`, 100)).toBe('x'.repeat(99));
    expect(clipUnits('short', 100)).toBe('short');
  });

  it('rejects a limit below one', () => {
    expect(() => splitText('abc', 0)).toThrow(RangeError);
  });
});

describe('truncateWords', () => {
  it('shortens at a word boundary with an ellipsis', () => {
    expect(truncateWords('short', 10)).toBe('short');
    expect(truncateWords('the quick brown fox', 12)).toBe('the quick…');
    expect(truncateWords('x'.repeat(30), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('safeHttpUrl', () => {
  it('accepts absolute http(s) only and encodes link-breaking characters', () => {
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('/relative/path')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,hi')).toBeUndefined();
    expect(safeHttpUrl('https://a.example/x_(y)|z>')).toBe('https://a.example/x_%28y%29%7Cz%3E');
  });
});

describe('oneLine', () => {
  it('drops the invisible format characters feeds leave in', () => {
    expect(oneLine('\u200b‘Quay reopens’: harbour\u00ad master\u2060 cheers\ufeff')).toBe(
      '‘Quay reopens’: harbour master cheers',
    );
    expect(oneLine('Ferry\u200c crossings\u200d resume')).toBe('Ferry crossings resume');
  });

  it('keeps joiners that build emoji and scripts', () => {
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    expect(oneLine(`Families ${family} return`)).toBe(`Families ${family} return`);
    expect(oneLine('می\u200cخواهم')).toBe('می\u200cخواهم');
  });
});

describe('updateLead', () => {
  it('names the outlets new to the thread, and otherwise says whose further reports arrived', () => {
    const update = storyUpdate();
    expect(updateLead(update)).toEqual({ label: '+2 sources:', names: ['Southport Herald', 'City Desk'] });
    const newOne = { ...update, newSources: ['City Desk'] };
    expect(updateLead(newOne)).toEqual({ label: '+1 source:', names: ['City Desk'] });
    const noneNew = { ...update, newSources: [] };
    expect(updateLead(noneNew)).toEqual({ label: 'More from', names: ['Southport Herald', 'City Desk'] });
    expect(renderConsoleUpdate(noneNew).split('\n')[1]).toBe('  ↳ More from Southport Herald, City Desk');
    expect(renderDiscordUpdate(noneNew).reply[0]!.content).toMatch(
      /^\*\*More from\*\* Southport Herald, City Desk\n/,
    );
    const slack = renderSlackUpdate(noneNew).reply[0]!;
    expect(slack.text).toBe('More from Southport Herald, City Desk');
  });
});

describe('attributionText', () => {
  it('names the outlet a speaker said it to or in', () => {
    expect(attributionText({ speaker: 'Tomas Reyes', verb: 'told', outlet: 'Radio North' })).toBe(
      'Tomas Reyes told Radio North',
    );
    expect(attributionText({ speaker: 'officials', verb: 'according to', outlet: 'Marlow Post' })).toBe(
      'according to officials (Marlow Post)',
    );
    expect(attributionText({ speaker: 'Lena Ortiz', verb: 'wrote', outlet: 'X' })).toBe(
      'Lena Ortiz wrote (X)',
    );
  });

  it('puts "the" before a speaker named by a role alone', () => {
    const according = (speaker: string) => attributionText({ speaker, verb: 'according to' });
    expect(according('mayor')).toBe('according to the mayor');
    expect(according('league spokesman')).toBe('according to the league spokesman');
    expect(according('governor of New York')).toBe('according to the governor of New York');
    expect(according('Czech president')).toBe('according to the Czech president');
    expect(according('Senior harbour official')).toBe('according to the senior harbour official');
    expect(according('Marlow harbour official')).toBe('according to the Marlow harbour official');
    expect(attributionText({ speaker: 'harbour authority', verb: 'said' })).toBe(
      'the harbour authority said',
    );
    for (const speaker of [
      'officials',
      'police',
      'Lena Ortiz',
      'the ministry',
      'two people',
      'his lawyer',
      'data',
      'University of Marlow',
      'Health officials',
      'Owner of Marlow Ferries',
      'The harbour master',
      'Marlow’s harbour master',
      "Eastshire's interior minister",
      'MPs on the harbour committee',
    ])
      expect(according(speaker), speaker).toBe(`according to ${speaker}`);
  });

  it('does not repeat an outlet the speaker already names', () => {
    expect(attributionText({ speaker: 'Telegraph', verb: 'according to', outlet: 'The Telegraph' })).toBe(
      'according to Telegraph',
    );
    expect(attributionText({ speaker: 'the AFP news agency', verb: 'according to', outlet: 'AFP' })).toBe(
      'according to the AFP news agency',
    );
    expect(
      attributionText({ speaker: "Marlow Post's Lena Ortiz", verb: 'according to', outlet: 'Marlow Post' }),
    ).toBe("according to Marlow Post's Lena Ortiz");
    expect(
      attributionText({ speaker: "Marlow Post's Lena Ortiz", verb: 'told', outlet: 'Marlow Post' }),
    ).toBe("Marlow Post's Lena Ortiz told Marlow Post");
    // A word of the outlet's name alone is not the outlet: "Post" is not the Marlow Post.
    expect(
      attributionText({ speaker: 'Post Office staff', verb: 'according to', outlet: 'Marlow Post' }),
    ).toBe('according to Post Office staff (Marlow Post)');
  });
});
