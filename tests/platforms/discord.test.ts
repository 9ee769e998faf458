import type {
  RESTPatchAPIChannelMessageJSONBody,
  RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import type { StoryDigest } from '../../src/model.js';
import { snowflakeAt } from '../../src/platforms/discord/adapter.js';
import {
  type DiscordMessagePayload,
  discordViolations,
  escapeDiscord,
  renderDiscordStory,
  renderDiscordUpdate,
  SUPPRESS_EMBEDS,
} from '../../src/platforms/discord/render.js';
import { claimText, oneLine } from '../../src/platforms/split.js';
import { bigDigest, expectNoCutWords, HOSTILE, storyDigest, storyUpdate } from './fixture.js';
import { expectGolden, goldenJson } from './golden.js';

/** Checks every limit independently of the renderer's own validator. */
function expectWithinLimits(p: DiscordMessagePayload): void {
  expect(p.allowed_mentions).toEqual({ parse: [] });
  expect(p.content || p.embeds?.length).toBeTruthy();
  expect((p.content ?? '').length).toBeLessThanOrEqual(2000);
  const embeds = p.embeds ?? [];
  expect(embeds.length).toBeLessThanOrEqual(10);
  let total = 0;
  for (const e of embeds) {
    expect((e.title ?? '').length).toBeLessThanOrEqual(256);
    expect((e.description ?? '').length).toBeLessThanOrEqual(4096);
    expect((e.footer?.text ?? '').length).toBeLessThanOrEqual(2048);
    expect((e.author?.name ?? '').length).toBeLessThanOrEqual(256);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(25);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
      total += f.name.length + f.value.length;
    }
    total += (e.title ?? '').length + (e.description ?? '').length;
    total += (e.footer?.text ?? '').length + (e.author?.name ?? '').length;
  }
  expect(total + (p.content ?? '').length).toBeLessThanOrEqual(6000);
  expect(discordViolations(p)).toEqual([]);
}

/** The rendered text of a story with headers and counts removed and all whitespace dropped. */
function storyStream(digest: StoryDigest): string {
  const { parent, replies } = renderDiscordStory(digest);
  const description = parent.embeds![0]!.description!.replace(/\n\n[^\n]*$/, '');
  const bodies = replies.map((r) => r.content!.slice(r.content!.indexOf('\n') + 1));
  return [description, ...bodies].join('').replace(/\s+/g, '');
}

/** Asserts the needles occur in the stream one after another. */
function expectInOrder(stream: string, needles: string[]): void {
  let at = 0;
  for (const needle of needles) {
    const found = stream.indexOf(needle.replace(/\s+/g, ''), at);
    expect(found, `missing or out of order: ${needle.slice(0, 80)}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

describe('renderDiscordStory', () => {
  it('matches the golden payloads', () => {
    expectGolden('discord-story.json', goldenJson(renderDiscordStory(storyDigest())));
  });

  it('matches the golden update', () => {
    expectGolden('discord-update.json', goldenJson(renderDiscordUpdate(storyUpdate())));
  });

  it('builds the parent embed from the digest', () => {
    const { parent, threadName, replies } = renderDiscordStory(storyDigest());
    const embed = parent.embeds![0]!;
    expect(embed.title).toBe(
      'Northvale rail operator halts night trains after bridge inspection finds cracks',
    );
    expect(embed.description).toMatch(/\n\n5 outlets · 5 facts · 2 opinion pieces$/);
    expect(embed.url).toBe('https://harbourtimes.example/news/2025/03/11/night-trains-halted');
    expect(embed.timestamp).toBe('2025-03-12T09:00:00.000Z');
    expect(threadName).toBe(embed.title);
    expect(parent.flags).toBeUndefined();
    expect(replies.map((r) => r.content!.split('\n')[0])).toEqual([
      '**Reported facts** · 5 facts',
      '**Opinion & analysis** · 2 pieces',
      '**Coverage** · 6 reports',
    ]);
    for (const r of replies) expect(r.flags).toBe(SUPPRESS_EMBEDS);
  });

  it('renders attribution and corroboration, and coverage first report first', () => {
    const { replies } = renderDiscordStory(storyDigest());
    expect(replies[0]!.content).toContain(
      '• “WE WILL NOT RUN A SINGLE TRAIN OVER THAT BRIDGE UNTIL IT IS SAFE.” — Mara Lindqvist wrote ' +
        '(3 outlets: Harbour Times, Metro Wire, Radio North)',
    );
    expect(replies[0]!.content).toContain(
      '— Tomas Reyes told Radio North (2 outlets: Radio North, Eastbrook Gazette)',
    );
    const coverage = replies[2]!.content!.split('\n').slice(1);
    expect(coverage.map((l) => l.match(/^• \*\*(.+?)\*\*/)![1])).toEqual([
      'Harbour Times',
      'Eastbrook Gazette',
      'Valley Courier',
      'Metro Wire',
      'Radio North',
      'Harbour Times',
    ]);
  });

  it('produces plain JSON that fits discord-api-types request bodies', () => {
    const story = renderDiscordStory(storyDigest());
    const update = renderDiscordUpdate(storyUpdate());
    const post: RESTPostAPIChannelMessageJSONBody[] = [story.parent, ...story.replies, ...update.reply];
    const patch: RESTPatchAPIChannelMessageJSONBody = update.parentEdit;
    expect(JSON.parse(JSON.stringify({ post, patch }))).toEqual({ post, patch });
  });
});

describe('renderDiscordUpdate', () => {
  it('posts one reply with the new sources, only the new facts and opinion, and edits the counts', () => {
    const update = storyUpdate();
    const { reply, parentEdit } = renderDiscordUpdate(update);
    expect(reply).toHaveLength(1);
    const content = reply[0]!.content!;
    expect(content.startsWith('**+2 sources:** Southport Herald, City Desk\n')).toBe(true);
    expect(content).toContain('Engineers will begin load tests');
    expect(content).not.toContain('WE WILL NOT RUN');
    // The new analysis piece is set apart from the facts, as in the post; the older pieces are not repeated.
    expectInOrder(content.replace(/\s+/g, ''), [
      'Engineers will begin load tests',
      '• _Analysis_ — **City Desk**: Hospital night staff lose their only way home',
      'Load tests on Eastbrook bridge to begin Thursday',
    ]);
    expect(content).not.toContain('deferred maintenance');
    expect(parentEdit.embeds![0]!.description).toMatch(/7 outlets · 6 facts · 3 opinion pieces$/);
    expect(parentEdit.allowed_mentions).toEqual({ parse: [] });
    for (const p of [...reply, parentEdit]) expectWithinLimits(p);
  });

  it('splits a huge update without losing a fact', () => {
    const big = bigDigest();
    const update = {
      digest: big,
      newCoverage: big.coverage,
      newFacts: big.facts,
      newOpinion: big.opinion,
      newSources: [],
    };
    const { reply, parentEdit } = renderDiscordUpdate(update);
    expect(reply.length).toBeGreaterThan(1);
    for (const p of [...reply, parentEdit]) expectWithinLimits(p);
    const stream = reply
      .map((r) => r.content)
      .join('')
      .replace(/\s+/g, '');
    expectInOrder(
      stream,
      big.facts.map((f) => escapeDiscord(claimText(f))),
    );
  });
});

describe('Discord limits (property)', () => {
  const variants: [string, StoryDigest][] = [
    ['300 facts, long headline and lead', bigDigest()],
    ['a headline that is one 5000-character token', bigDigest({ headline: 'H'.repeat(5000) })],
    ['a 300-character headline and no lead', bigDigest({ headline: 'word '.repeat(60).trim(), lead: '' })],
  ];

  it.each(variants)('every payload meets every limit: %s', (_name, digest) => {
    const { parent, threadName, replies } = renderDiscordStory(digest);
    expect(threadName.length).toBeGreaterThan(0);
    expect(threadName.length).toBeLessThanOrEqual(100);
    for (const p of [parent, ...replies]) expectWithinLimits(p);
  });

  it.each(variants)('nothing is dropped and order is kept: %s', (_name, digest) => {
    const stream = storyStream(digest);
    const headline = oneLine(digest.headline);
    const lead = oneLine(digest.lead);
    expectInOrder(stream, [
      ...(headline.length > 256 ? [escapeDiscord(headline)] : []),
      ...(lead ? [escapeDiscord(lead)] : []),
      ...digest.facts.map((f) => escapeDiscord(claimText(f))),
      ...digest.opinion.map((o) => escapeDiscord(o.gist)),
      ...digest.coverage.map((c) => escapeDiscord(c.title)),
    ]);
  });

  it('cuts no word unless one token alone exceeds a limit', () => {
    const { parent, replies } = renderDiscordStory(bigDigest());
    const texts = [parent.embeds![0]!.description!, ...replies.map((r) => r.content!)];
    expectNoCutWords(texts);
  });
});

describe('escapeDiscord', () => {
  it('neutralises markdown, mentions and links from feed text', () => {
    const out = escapeDiscord(HOSTILE);
    expect(out).not.toMatch(/@(everyone|here)/);
    expect(out).toContain('@\u200beveryone');
    expect(out).toContain('\\<@\u200b123456789012345678\\>');
    expect(out).toContain('\\*\\*bold\\*\\*');
    expect(out).toContain('\\_\\_under\\_\\_');
    expect(out).toContain('\\~\\~gone\\~\\~');
    expect(out).toContain('\\`code\\`');
    expect(out).toContain('\\|\\|spoiler\\|\\|');
    expect(out).toContain('\\[x\\](javascript:alert(1))');
    expect(out).toContain('\\[click\\](<https://evil.example>)');
    expect(out).toContain('\\<t:\u200b1700000000:R\\>');
    expect(out.split('\n').slice(-4)).toEqual(['\\# Heading', '\\-# subtext', '\\- item', '1\\. item']);
    // Every `<` left unescaped opens a plain URL autolink, every `>` closes one.
    expect(out).not.toMatch(/(?<!\\)<(?!https?:\/\/)/);
    expect(out).not.toMatch(/(?<!\\)\[/);
  });

  it('keeps bare URLs clickable without a preview', () => {
    expect(escapeDiscord('see https://a.example/x_y_z.')).toBe('see <https://a.example/x_y_z>.');
    expect(escapeDiscord('(https://a.example/p)')).toBe('(<https://a.example/p>)');
  });

  it('shows a URL too long to be sure of one message as escaped text, so a split cannot bare its markup', () => {
    const url = `https://news.example/track?u=${'a_b_c*d*'.repeat(300)}`;
    const digest: StoryDigest = {
      ...storyDigest(),
      facts: [
        { key: 'x', text: `Officials published the list at ${url} on Monday.`, sources: ['A'], count: 1 },
      ],
    };
    const facts = renderDiscordStory(digest).replies.filter((r) =>
      r.content?.startsWith('**Reported facts**'),
    );
    expect(facts.length).toBeGreaterThan(1);
    for (const { content } of facts) {
      expect(content).not.toContain('<https://news.example/track');
      // Every emphasis marker is escaped, in every piece.
      expect(content!.replace(/\\[*_]/g, '').slice(content!.indexOf('\n'))).not.toMatch(/[*_]/);
    }
    // A URL of ordinary length stays a link.
    const usual = `https://news.example/${'a'.repeat(400)}`;
    expect(escapeDiscord(`see ${usual}`)).toBe(`see <${usual}>`);
  });

  it('leaves list and heading markers inert after a split at a space', () => {
    expect(escapeDiscord('score 3 - 2 # 1. done')).toBe('score 3 \\- 2 \\# 1\\. done');
  });

  it('keeps hostile feed text inert in every rendered payload', () => {
    const digest = storyDigest();
    const hostileDigest: StoryDigest = {
      ...digest,
      headline: HOSTILE,
      lead: HOSTILE,
      facts: [{ key: 'h', text: HOSTILE, sources: ['@everyone', '<@123>'], count: 2 }],
      opinion: [
        {
          source: '**Bold Outlet**',
          kind: 'opinion',
          gist: HOSTILE,
          url: 'javascript:alert(1)',
          itemId: 'x',
        },
      ],
      coverage: [{ ...digest.coverage[0]!, source: '@here', title: HOSTILE, url: 'javascript:alert(1)' }],
      latest: {
        title: HOSTILE,
        source: '@everyone',
        url: 'javascript:alert(1)',
        publishedAt: digest.lastUpdated,
      },
    };
    const { parent, replies } = renderDiscordStory(hostileDigest);
    expect(parent.embeds![0]!.description).toContain('**Latest:**');
    for (const p of [parent, ...replies]) expectWithinLimits(p);
    const embed = parent.embeds![0]!;
    const texts = [embed.title!, embed.description!, embed.footer!.text, ...replies.map((r) => r.content!)];
    for (const text of texts) {
      expect(text).not.toMatch(/@(everyone|here)/);
      expect(text).not.toMatch(/(?<!\\)\]\((?!<https:)/);
      expect(text).not.toMatch(/(?<!\\)<[@#!:]/);
      expect(text).not.toMatch(/(?<!\\)\*\*bold/);
    }
  });
});

describe('runaway links from a feed', () => {
  it('keep every message within limits and never leave a link cut open', () => {
    const digest = storyDigest();
    const huge = `https://wire.example/${'a'.repeat(4000)}`;
    const title = 'A headline '.repeat(500);
    const coverage = [
      { ...digest.coverage[0]!, url: huge, title },
      { ...digest.coverage[0]!, url: 'https://wire.example/b', title, itemId: 'long' },
    ];
    const { parent, replies } = renderDiscordStory({ ...digest, coverage });
    for (const p of [parent, ...replies]) expectWithinLimits(p);
    expect(parent.embeds![0]!.url).toBe('https://wire.example/b');
    for (const reply of replies) expect(reply.content!).not.toMatch(/\]\(<https?:[^>]*$/m);
    const all = JSON.stringify([parent, ...replies]);
    expect(all).not.toContain('aaaaaaaaaa');
    expect(all).toMatch(/\(\[link\]\(<https:\/\/wire\.example\/b>\)\)/);
    expect(all.match(/headline/g)!.length).toBeGreaterThanOrEqual(1000);
  });
});

describe('hard cuts of over-long feed tokens', () => {
  it('never start a line with a heading or list marker the escaping left bare inside the token', () => {
    // "##" after a letter is no heading, so it is not escaped; a cut just before it would make one.
    for (let n = 1900; n < 2100; n += 3) {
      const digest = storyDigest();
      const text = `${'a'.repeat(n)}## PWNED heading 1. listed`;
      const { replies } = renderDiscordStory({
        ...digest,
        facts: [{ key: 'x', text, sources: ['X'], count: 1 }],
      });
      for (const reply of replies) {
        for (const line of reply.content!.split('\n')) expect(line).not.toMatch(/^(#{1,3}|-#|[-+]|\d+\.) /);
      }
    }
  });
});

describe('over-long tokens without letters and links near a split', () => {
  it('keep a heading marker after a run of digits inert, and every masked link and bold name whole', () => {
    // Digits give a hard cut no letter to start the next piece with.
    for (const marker of ['# Heading', '-# subtext', '- item']) {
      for (let n = 1850; n < 2050; n += 7) {
        const facts = [
          { key: 'x', text: `${'0'.repeat(n)}${marker} from the feed`, sources: ['X'], count: 1 },
        ];
        for (const reply of renderDiscordStory({ ...storyDigest(), facts }).replies)
          for (const line of reply.content!.split('\n')) expect(line).not.toMatch(/^(#{1,3}|-#|[-+]) /);
      }
    }
    const digest = storyDigest();
    const title = 'Minister resigns after vote on the budget bill in parliament';
    for (const length of [1500, 1700, 1900]) {
      const coverage = [{ ...digest.coverage[0]!, source: 'x'.repeat(length), title }];
      const { replies } = renderDiscordStory({ ...digest, coverage });
      for (const reply of replies) {
        expectWithinLimits(reply);
        const text = reply.content!;
        // Each piece holds whole links and whole bold names: brackets and ** come in pairs.
        expect((text.match(/\[Minister/g) ?? []).length).toBe((text.match(/parliament\]\(</g) ?? []).length);
        expect((text.match(/\*\*/g) ?? []).length % 2).toBe(0);
      }
    }
  });
});

describe('masked link labels', () => {
  it('use look-alikes, not backslashes (which Discord shows there), and are not made from titles with URLs', () => {
    const digest = storyDigest();
    const coverage = [
      { ...digest.coverage[0]!, title: 'Live updates [VIDEO] | what_changes for *you* @everyone' },
      { ...digest.coverage[0]!, title: 'Read the ruling at https://court.example/r.pdf', itemId: 'r' },
    ];
    const text = renderDiscordStory({ ...digest, coverage })
      .replies.map((r) => r.content)
      .join('\n');
    expect(text).toContain('[Live updates (VIDEO) ∣ what_changes for ∗you∗ @\u200beveryone](<');
    expect(text).toContain('Read the ruling at <https://court.example/r.pdf> ([link](<');
    expect(text).not.toMatch(/\[[^\]]*https?:\/\/[^\]]*\]\(/);
  });

  it('turn asterisks and tildes inside a word into look-alikes, since Discord formats them there', () => {
    const digest = storyDigest();
    const coverage = [
      { ...digest.coverage[0]!, title: 'Model 2*3*4 beats foo*bar baz*qux and a~~b~~c on_time' },
    ];
    const text = renderDiscordStory({ ...digest, coverage })
      .replies.map((r) => r.content)
      .join('\n');
    expect(text).toContain('[Model 2∗3∗4 beats foo∗bar baz∗qux and a∼∼b∼∼c on_time](<');
  });

  it('break mass mentions glued to more letters or digits too', () => {
    expect(escapeDiscord('@everyone2025 @heretics')).toBe('@\u200beveryone2025 @\u200bheretics');
  });
});

describe('snowflakeAt', () => {
  it('gives the smallest id Discord could assign at a time, so nothing created then or later is skipped', () => {
    // Discord's documented example id, created at 1462015105796 ms.
    const example = 175928847299117063n;
    const at = snowflakeAt(1462015105796);
    expect(at).toBe('175928847298985984');
    expect(BigInt(at) <= example).toBe(true);
    expect(BigInt(snowflakeAt(1462015105797)) > example).toBe(true);
    expect(snowflakeAt(0)).toBe('0');
  });
});
