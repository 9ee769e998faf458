import { describe, expect, it } from 'vitest';
import { trimTrailing } from '../../src/util/trim.js';

describe('trimTrailing', () => {
  it('drops the trailing run of the given characters, and whitespace when asked', () => {
    expect(trimTrailing('a.example/path///', '/')).toBe('a.example/path');
    expect(trimTrailing('said, ,\t', ',', true)).toBe('said');
    expect(trimTrailing('said, ,\t', ',')).toBe('said, ,\t');
    expect(trimTrailing('——', '–—-')).toBe('');
    expect(trimTrailing('', '/')).toBe('');
    const same = 'no change';
    expect(trimTrailing(same, '/')).toBe(same);
  });

  it('agrees with the equivalent pattern on random text', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = ['a', ',', ' ', '\n', '\u00a0', ';', '–', '/', 'x'];
    for (let n = 0; n < 2000; n++) {
      let s = '';
      for (let k = Math.floor(rand() * 12); k > 0; k--) s += alphabet[Math.floor(rand() * alphabet.length)];
      expect(trimTrailing(s, ',;:–—-', true)).toBe(s.replace(/[\s,;:–—-]+$/, ''));
      expect(trimTrailing(s, '/')).toBe(s.replace(/\/+$/, ''));
    }
  });

  it('reads a long run that does not end the text once', () => {
    // The pattern version retries from each of the run's characters: minutes at this size.
    const text = `a${','.repeat(500_000)}x`;
    expect(trimTrailing(text, ',', true)).toBe(text);
    expect(trimTrailing(`${text},,, `, ',', true)).toBe(text);
  });
});
