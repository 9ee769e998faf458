import { describe, expect, it } from 'vitest';
import { renderConsoleStory, renderConsoleUpdate } from '../../src/platforms/console/render.js';
import { ConsoleSink } from '../../src/platforms/console/sink.js';
import { storyDigest, storyUpdate } from './fixture.js';
import { expectGolden } from './golden.js';

describe('console renderer', () => {
  it('matches the golden story', () => {
    expectGolden('console-story.txt', `${renderConsoleStory(storyDigest())}\n`);
  });

  it('matches the golden update', () => {
    expectGolden('console-update.txt', `${renderConsoleUpdate(storyUpdate())}\n`);
  });

  it('keeps the markers the rest of the app relies on', () => {
    const lines = renderConsoleStory(storyDigest()).split('\n');
    expect(lines[0]).toMatch(/^■ .* — 5 outlets/);
    const replies = lines.filter((l) => l.startsWith('  ↳ '));
    expect(replies).toEqual(['  ↳ Reported facts', '  ↳ Opinion & analysis', '  ↳ Coverage']);
    expect(lines.slice(1).every((l) => l.startsWith('  ↳ ') || l.startsWith('    '))).toBe(true);
    expect(renderConsoleUpdate(storyUpdate())).toMatch(/^↻ .* — now 7 outlets.*\n {2}↳ \+2 sources: /);
  });

  it('shows the latest development of a story that moved on under its headline line', () => {
    const { digest } = storyUpdate();
    const lines = renderConsoleStory(digest).split('\n');
    expect(lines[1]).toBe(
      '    Latest: Load tests on Eastbrook bridge to begin Thursday — Southport Herald (2025-03-13 11:20 UTC)',
    );
    expect(lines.slice(1).every((l) => l.startsWith('  ↳ ') || l.startsWith('    '))).toBe(true);
    expect(renderConsoleStory(storyDigest())).not.toContain('Latest:');
  });

  it('strips control characters and line breaks from feed text', () => {
    const digest = storyDigest();
    digest.headline = 'Cracks\u001b[2J\u001b]0;pwned\u0007 found\nin bridge\u202e';
    digest.coverage[0]!.title = 'Line one\r\nLine two';
    const out = renderConsoleStory(digest);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(out.split('\n')[0]).toMatch(/^■ Cracks\[2J\]0;pwned found in bridge — /);
    expect(out).toContain('Line one Line two');
  });

  it('writes through ConsoleSink', async () => {
    const out: string[] = [];
    const sink = new ConsoleSink({ minSources: 2, write: (t) => out.push(t) });
    expect(sink.id).toBe('console');
    expect(await sink.post(storyDigest())).toEqual({ parentId: 'st-7f3a91' });
    await sink.update({ parentId: 'st-7f3a91' }, storyUpdate());
    expect(out).toEqual([
      `${renderConsoleStory(storyDigest())}\n\n`,
      `${renderConsoleUpdate(storyUpdate())}\n\n`,
    ]);
  });
});
