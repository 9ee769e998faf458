import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { StoryDigest } from '../../src/model.js';
import {
  escapeSlack,
  renderSlackStory,
  renderSlackUpdate,
  SLACK_LIMITS,
  type SlackMessagePayload,
  slackViolations,
} from '../../src/platforms/slack/render.js';
import { claimText, oneLine } from '../../src/platforms/split.js';
import { bigDigest, expectNoCutWords, HOSTILE, storyDigest, storyUpdate } from './fixture.js';
import { expectGolden, goldenJson } from './golden.js';

/** Checks every limit independently of the renderer's own validator. */
function expectWithinLimits(p: SlackMessagePayload, posted = true): void {
  expect(p.blocks.length).toBeGreaterThan(0);
  expect(p.blocks.length).toBeLessThanOrEqual(50);
  expect(p.text.length).toBeGreaterThan(0);
  expect(p.text.length).toBeLessThanOrEqual(40_000);
  let total = 0;
  for (const b of p.blocks) {
    if (b.type === 'header') {
      expect(b.text.type).toBe('plain_text');
      expect(b.text.text.length).toBeLessThanOrEqual(150);
      total += b.text.text.length;
    } else if (b.type === 'section') {
      expect(b.text.text.length).toBeLessThanOrEqual(3000);
      total += b.text.text.length;
    } else {
      expect(b.elements.length).toBeLessThanOrEqual(10);
      for (const e of b.elements) total += e.text.length;
    }
  }
  expect(total).toBeLessThanOrEqual(SLACK_LIMITS.messageBlockText);
  if (posted) expect([p.unfurl_links, p.unfurl_media]).toEqual([false, false]);
  expect(slackViolations(p)).toEqual([]);
}

/** Section text of a story with titles, header and context left out and all whitespace dropped. */
function storyStream(digest: StoryDigest): string {
  const { parent, replies } = renderSlackStory(digest);
  const texts: string[] = [];
  for (const b of parent.blocks) if (b.type === 'section') texts.push(b.text.text);
  for (const r of replies) {
    for (const b of r.blocks.slice(1)) if (b.type === 'section') texts.push(b.text.text);
  }
  return texts.join('').replace(/\s+/g, '');
}

function expectInOrder(stream: string, needles: string[]): void {
  let at = 0;
  for (const needle of needles) {
    const found = stream.indexOf(needle.replace(/\s+/g, ''), at);
    expect(found, `missing or out of order: ${needle.slice(0, 80)}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

function factSections(text: string): string[] {
  const digest = storyDigest();
  return renderSlackStory({ ...digest, facts: [{ key: 'x', text, sources: ['X'], count: 1 }] })
    .replies.flatMap((r) => r.blocks ?? [])
    .flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []))
    .filter((t) => t.includes('aaaa') || t.includes('bbbb') || t.includes('quoted'));
}

describe('hard cuts of over-long feed tokens', () => {
  it('never open emphasis or a quote with a marker the escaping left inside a word', () => {
    for (let p = 2985; p < 3010; p += 2) {
      // "*" between letters cannot open bold, so it stays; a cut beside it could make a section "*…*".
      for (const section of factSections(`${'a'.repeat(p)}*${'b'.repeat(2998)}*${'c'.repeat(50)}`))
        expect(section).not.toMatch(/^[*_~`]/);
      for (const section of factSections(`${'a'.repeat(p)}>quoted text`))
        expect(section).not.toMatch(/^(&gt;|>)/);
    }
  });
});

describe('runaway links from a feed', () => {
  it('keep every message within limits and never leave a link cut open', () => {
    const digest = storyDigest();
    const huge = `https://wire.example/${'a'.repeat(4000)}?x=1&y=2`;
    const long = `https://wire.example/${'&b'.repeat(200)}`;
    const title = 'A headline '.repeat(500);
    const coverage = [
      { ...digest.coverage[0]!, url: huge, title },
      { ...digest.coverage[0]!, url: long, title, itemId: 'long' },
    ];
    const { parent, replies } = renderSlackStory({ ...digest, coverage });
    for (const p of [parent, ...replies]) {
      expectWithinLimits(p);
      for (const block of p.blocks ?? []) {
        const texts = block.type === 'context' ? block.elements.map((e) => e.text) : [block.text?.text ?? ''];
        for (const text of texts) expect(text).not.toMatch(/<https?:[^>]*$/);
      }
    }
    // The URL too long to be a link target is left out; the other follows the title, given in full, as a
    // short link.
    const all = JSON.stringify([parent, ...replies]);
    expect(all).not.toContain('aaaaaaaaaa');
    expect(all).toMatch(/\(<https:\/\/wire\.example\/(&amp;b)+\|link>\)/);
    expect(all.match(/headline/g)!.length).toBeGreaterThanOrEqual(1000);
  });
});

describe('links, names and dates near a split', () => {
  it('stay whole, and a quote marker after a run of entities stays inert', () => {
    const digest = storyDigest();
    const url = `https://news.example.com/${'y'.repeat(1900)}`;
    for (const length of [150, 200]) {
      const coverage = [
        { ...digest.coverage[0]!, source: '&'.repeat(length), url, title: 'Minister resigns after the vote' },
      ];
      const { parent, replies } = renderSlackStory({ ...digest, coverage });
      for (const p of [parent, ...replies]) {
        // The first-report element holds the outlet escaped (five characters for each `&`) and the link.
        expect(slackViolations(p)).toEqual([]);
        for (const block of p.blocks ?? []) {
          const texts =
            block.type === 'context' ? block.elements.map((e) => e.text) : [block.text?.text ?? ''];
          for (const text of texts) {
            expect((text.match(/</g) ?? []).length).toBe((text.match(/>/g) ?? []).length);
            expect(text).not.toMatch(/^&gt;/m);
          }
        }
      }
    }
    for (let n = 550; n < 620; n += 3)
      for (const section of factSections(`${'&'.repeat(n)}>quoted text`))
        expect(section).not.toMatch(/^&gt;/m);
  });

  it('breaks mass mentions glued to more letters or digits too', () => {
    expect(escapeSlack('@channels @here2')).toBe('@\u2060channels @\u2060here2');
  });
});

describe('renderSlackStory', () => {
  it('matches the golden payloads', () => {
    expectGolden('slack-story.json', goldenJson(renderSlackStory(storyDigest())));
  });

  it('matches the golden update', () => {
    expectGolden('slack-update.json', goldenJson(renderSlackUpdate(storyUpdate())));
  });

  it('builds a header, the lead, counts and the first report', () => {
    const { parent, replies } = renderSlackStory(storyDigest());
    expect(parent.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(parent.text).toBe(
      'Northvale rail operator halts night trains after bridge inspection finds cracks — ' +
        '5 outlets · 5 facts · 2 opinion pieces',
    );
    const context = parent.blocks[2]!;
    expect(context.type === 'context' && context.elements[1]!.text).toMatch(
      /^First report: <https:\/\/harbourtimes\.example\/news\/2025\/03\/11\/night-trains-halted\|Harbour Times> · <!date\^1741727100\^/,
    );
    expect(replies.map((r) => r.text)).toEqual([
      'Reported facts · 5 facts',
      'Opinion &amp; analysis · 2 pieces',
      'Coverage · 6 reports',
    ]);
    for (const p of [parent, ...replies]) expectWithinLimits(p);
  });

  it('fits @slack/types blocks', () => {
    const { parent, replies } = renderSlackStory(storyDigest());
    const blocks: KnownBlock[][] = [parent, ...replies].map((p) => p.blocks);
    expect(JSON.parse(JSON.stringify(blocks))).toEqual(blocks);
  });
});

describe('renderSlackUpdate', () => {
  it('posts one reply with the new sources, only the new facts and opinion, and edits the counts', () => {
    const { reply, parentEdit } = renderSlackUpdate(storyUpdate());
    expect(reply).toHaveLength(1);
    expect(reply[0]!.text).toBe('+2 sources: Southport Herald, City Desk');
    const text = reply[0]!.blocks.map((b) => (b.type === 'section' ? b.text.text : '')).join('\n');
    expect(text.startsWith('*+2 sources:* Southport Herald, City Desk\n')).toBe(true);
    expect(text).toContain('Engineers will begin load tests');
    expect(text).not.toContain('WE WILL NOT RUN');
    const facts = text.indexOf('Engineers will begin load tests');
    const analysis = text.indexOf(
      '• _Analysis_ — *City Desk*: Hospital night staff lose their only way home',
    );
    const report = text.indexOf('Load tests on Eastbrook bridge to begin Thursday');
    expect(facts).toBeGreaterThan(0);
    expect(analysis).toBeGreaterThan(facts);
    expect(report).toBeGreaterThan(analysis);
    expect(text).not.toContain('deferred maintenance');
    expect(parentEdit.text).toMatch(/7 outlets · 6 facts · 3 opinion pieces$/);
    expect(parentEdit).not.toHaveProperty('unfurl_links');
    expectWithinLimits(reply[0]!);
    expectWithinLimits(parentEdit, false);
  });
});

describe('Slack limits (property)', () => {
  const variants: [string, StoryDigest][] = [
    ['300 facts, long headline and lead', bigDigest()],
    ['a headline that is one 5000-character token', bigDigest({ headline: 'H'.repeat(5000) })],
    ['a lead of 40000 characters', bigDigest({ lead: 'lorem ipsum '.repeat(3400) })],
  ];

  it.each(variants)('every message meets every limit: %s', (_name, digest) => {
    const { parent, replies } = renderSlackStory(digest);
    for (const p of [parent, ...replies]) expectWithinLimits(p);
    const update = renderSlackUpdate({
      digest,
      newCoverage: digest.coverage,
      newFacts: digest.facts,
      newOpinion: digest.opinion,
      newSources: [],
    });
    for (const p of update.reply) expectWithinLimits(p);
    expectWithinLimits(update.parentEdit, false);
  });

  it.each(variants)('nothing is dropped and order is kept: %s', (_name, digest) => {
    const headline = oneLine(digest.headline);
    expectInOrder(storyStream(digest), [
      ...(headline.length > 150 ? [escapeSlack(headline)] : []),
      escapeSlack(oneLine(digest.lead)),
      ...digest.facts.map((f) => escapeSlack(claimText(f))),
      ...digest.opinion.map((o) => escapeSlack(o.gist)),
      ...digest.coverage.map((c) => escapeSlack(c.title)),
    ]);
  });

  it('cuts no word unless one token alone exceeds a limit', () => {
    const { parent, replies } = renderSlackStory(bigDigest());
    const texts = [parent, ...replies].flatMap((p) =>
      p.blocks.map((b) => (b.type === 'section' ? b.text.text : '')),
    );
    expectNoCutWords(texts);
  });
});

describe('escapeSlack', () => {
  it('neutralises mentions, links and formatting from feed text', () => {
    const out = escapeSlack(HOSTILE);
    // The one bare URL is a link of ours; nothing else opens or closes one.
    expect(out).toContain('[click](<https://evil.example/>)');
    expect(out.replace('<https://evil.example/>', '')).not.toMatch(/[<>]/);
    expect(out).toContain('&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt;');
    expect(out).toContain('&lt;@123456789012345678&gt;');
    expect(out).toContain('&lt;@U024BE7LH&gt;');
    expect(out).toContain('&lt;@&amp;99&gt;');
    expect(out).toContain('@\u2060everyone');
    expect(out).toContain('∗∗bold∗∗');
    expect(out).toContain('∗it∗ ˍitˍ');
    expect(out).toContain('∼strike∼');
    expect(out).toContain('ˋcodeˋ');
    expect(out).toContain('\u00ad&gt; quote');
    expect(out).not.toMatch(/[*~`]/);
  });

  it('keeps a bare URL as written, as a link: its ~ and _ are not look-alikes, which would change where it leads', () => {
    expect(
      escapeSlack('Feed moved to https://www.cs.example.edu/~alice/_feed/rss?tag=_news_&x=1. See it'),
    ).toBe('Feed moved to <https://www.cs.example.edu/~alice/_feed/rss?tag=_news_&amp;x=1>. See it');
    expect(escapeSlack('*see* https://a.example/x, and https://')).toBe(
      '∗see∗ <https://a.example/x>, and https://',
    );
  });

  it('shows a URL too long to be sure of one message as text with look-alikes, not as a link', () => {
    const url = `https://news.example/track?u=${'a_b_c*d*'.repeat(100)}`;
    const out = escapeSlack(`list at ${url} today`);
    expect(out).not.toContain('<https://');
    expect(out.startsWith('list at https://news.example/track?u=a')).toBe(true);
    expect(escapeSlack(`see https://news.example/${'a'.repeat(400)}`)).toMatch(
      /^see <https:\/\/news\.example\/a+>$/,
    );
  });

  it('leaves markers inside words alone', () => {
    expect(escapeSlack('snake_case_name and 2*3*4')).toBe('snake_case_name and 2*3*4');
    expect(escapeSlack('Q&A: a > b')).toBe('Q&amp;A: a \u00ad&gt; b');
  });

  it('keeps hostile feed text inert in every rendered message', () => {
    const digest = storyDigest();
    const hostile: StoryDigest = {
      ...digest,
      headline: HOSTILE,
      lead: HOSTILE,
      facts: [{ key: 'h', text: HOSTILE, sources: ['<!channel>', '<@U1>'], count: 2 }],
      opinion: [
        {
          source: '*Bold Outlet*',
          kind: 'opinion',
          gist: HOSTILE,
          url: 'https://a.example/?a=1&b=2|x>y',
          itemId: 'x',
        },
      ],
      coverage: [{ ...digest.coverage[0]!, source: '<!here>', title: HOSTILE, url: 'javascript:alert(1)' }],
      latest: {
        title: HOSTILE,
        source: '<!channel>',
        url: 'javascript:alert(1)',
        publishedAt: digest.lastUpdated,
      },
    };
    const { parent, replies } = renderSlackStory(hostile);
    expect(JSON.stringify(parent.blocks)).toContain('*Latest:*');
    for (const p of [parent, ...replies]) {
      expectWithinLimits(p);
      // Header text is plain_text, which Slack never parses; everything else is mrkdwn.
      const mrkdwn = p.blocks.flatMap((b) =>
        b.type === 'context' ? b.elements.map((e) => e.text) : b.type === 'section' ? [b.text.text] : [],
      );
      for (const text of [p.text, ...mrkdwn]) {
        // Every `<` left opens one of our own http(s) links or dates; `[x](javascript:…)` is no link in mrkdwn.
        expect(text).not.toMatch(/<(?!https?:\/\/[^\s|>]+[|>]|!date\^\d+\^)/);
      }
    }
    const opinion = replies.find((r) => r.text.startsWith('Opinion'))!;
    const section = opinion.blocks[1]!;
    expect(section.type === 'section' && section.text.text).toContain(
      '<https://a.example/?a=1&amp;b=2%7Cx%3Ey|read>',
    );
  });
});
