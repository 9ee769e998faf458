import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { Deliverer, recordsKeptFor } from '../../src/deliver/deliverer.js';
import type { PostedRef, Sink, StoryUpdate } from '../../src/deliver/sink.js';
import type { StoryDigest } from '../../src/model.js';
import { openStore, type Store } from '../../src/store/index.js';
import { tempDir } from '../helpers/temp.js';

function digest(id: string, sources: string[]): StoryDigest {
  return {
    id,
    headline: `story ${id}`,
    lead: 'lead',
    facts: sources.map((s) => ({ key: `f-${s}`, text: `fact from ${s}`, sources: [s], count: 1 })),
    opinion: [],
    coverage: sources.map((s, i) => ({
      source: s,
      title: `t ${s}`,
      publishedAt: `2025-01-01T0${i}:00:00.000Z`,
      itemId: `${id}-${s}`,
    })),
    outletCount: sources.length,
    firstSeen: '2025-01-01T00:00:00.000Z',
    lastUpdated: '2025-01-01T00:00:00.000Z',
  };
}

class RecordingSink implements Sink {
  readonly id = 'rec';
  posts: { id: string; key: string }[] = [];
  updates: { ref: PostedRef; update: StoryUpdate; key: string; since?: number }[] = [];
  /** `since` of every update attempt, failed ones included. */
  updateSince: (number | undefined)[] = [];
  failNext = false;
  constructor(readonly minSources = 1) {}
  async post(d: StoryDigest, key: string): Promise<PostedRef> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('platform down');
    }
    this.posts.push({ id: d.id, key });
    return { parentId: `msg-${d.id}` };
  }
  async update(ref: PostedRef, update: StoryUpdate, key: string, since?: number): Promise<void> {
    this.updateSince.push(since);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('platform down');
    }
    this.updates.push({ ref, update, key, since });
  }
}

/** `sink` with a platform's recover: what it finds of an interrupted act by key and start. */
function withRecover(sink: RecordingSink, recover: NonNullable<Sink['recover']>): Sink {
  return {
    id: sink.id,
    minSources: 1,
    post: (d, k) => sink.post(d, k),
    update: (r, u, k) => sink.update(r, u, k),
    recover,
  };
}

/** The record of story s1's post under way with these items and facts, as a crash right after posting leaves it. */
async function interruptedPost(store: Store, itemIds: string[], factKeys: string[], since?: number) {
  await store.ns('deliveries').set('rec|s1', {
    itemIds: [],
    factKeys: [],
    updates: 0,
    pending: { op: 'post', key: 'rec|s1|post', itemIds, factKeys, since },
  });
}

/** `d` with the coverage of story `from`'s outlets first, as a merge leaves it. */
function withCoverageOf(d: StoryDigest, from: string, sources: string[]): StoryDigest {
  const folded = digest(from, sources);
  return { ...d, coverage: [...folded.coverage, ...d.coverage], facts: [...folded.facts, ...d.facts] };
}

/** Story s1 posted with A, then the update that brings B interrupted: the record says it is under way. */
async function interruptedUpdate() {
  const store = openStore('memory://');
  const sink = new RecordingSink();
  await new Deliverer(store).deliver(sink, digest('s1', ['A']));
  sink.failNext = true;
  await expect(new Deliverer(store).deliver(sink, digest('s1', ['A', 'B']))).rejects.toThrow();
  return { store, sink };
}

describe('Deliverer', () => {
  it('posts a story once, then replies only with what is new', async () => {
    const d = new Deliverer(openStore('memory://'));
    const sink = new RecordingSink();
    expect(await d.deliver(sink, digest('s1', ['A', 'B']))).toBe('posted');
    expect(await d.deliver(sink, digest('s1', ['A', 'B']))).toBe('unchanged');
    expect(await d.deliver(sink, digest('s1', ['A', 'B', 'C']))).toBe('updated');
    expect(sink.posts).toHaveLength(1);
    expect(sink.updates).toHaveLength(1);
    expect(sink.updates[0]!.ref.parentId).toBe('msg-s1');
    expect(sink.updates[0]!.update.newCoverage.map((c) => c.source)).toEqual(['C']);
    expect(sink.updates[0]!.update.newFacts.map((f) => f.key)).toEqual(['f-C']);
  });

  it('names as new sources only the publishers the thread had no report from', async () => {
    const d = new Deliverer(openStore('memory://'));
    const sink = new RecordingSink();
    const first = digest('s1', ['Fox News', 'Reuters']);
    first.coverage[1]!.url = 'https://www.reuters.com/world/a';
    await d.deliver(sink, first);
    const more = (source: string, itemId: string, url?: string) => ({
      source,
      title: `t ${itemId}`,
      publishedAt: '2025-01-01T05:00:00.000Z',
      itemId,
      ...(url ? { url } : {}),
    });
    const later = {
      ...first,
      coverage: [
        ...first.coverage,
        more('Fox News', 'fox-2'),
        // Another feed of a publisher already in the thread, known by its link.
        more('Reuters - World News', 'reuters-2', 'https://www.reuters.com/world/b'),
        more('Le Monde', 'lm-1', 'https://www.lemonde.fr/en/a'),
        more('Le Monde International', 'lm-2', 'https://www.lemonde.fr/en/b'),
      ],
    };
    expect(await d.deliver(sink, later)).toBe('updated');
    expect(sink.updates[0]!.update.newSources).toEqual(['Le Monde']);
    await d.deliver(sink, { ...later, coverage: [...later.coverage, more('Fox News', 'fox-3')] });
    expect(sink.updates[1]!.update.newSources).toEqual([]);
    expect(sink.updates[1]!.update.newCoverage.map((c) => c.itemId)).toEqual(['fox-3']);
  });

  it('holds a story back until it reaches the sink minimum of sources', async () => {
    const d = new Deliverer(openStore('memory://'));
    const sink = new RecordingSink(2);
    expect(await d.deliver(sink, digest('s1', ['A']))).toBe('below-threshold');
    expect(await d.deliver(sink, digest('s1', ['A', 'B']))).toBe('posted');
    expect(sink.posts).toHaveLength(1);
  });

  it('retries a failed post with the same idempotency key and records it once', async () => {
    const store = openStore('memory://');
    const sink = new RecordingSink();
    sink.failNext = true;
    await expect(new Deliverer(store).deliver(sink, digest('s1', ['A']))).rejects.toThrow('platform down');
    // A new process picks up the pending record.
    expect(await new Deliverer(store).deliver(sink, digest('s1', ['A']))).toBe('posted');
    expect(sink.posts).toEqual([{ id: 's1', key: 'rec|s1|post' }]);
    sink.failNext = true;
    await expect(new Deliverer(store).deliver(sink, digest('s1', ['A', 'B']))).rejects.toThrow();
    expect(await new Deliverer(store).deliver(sink, digest('s1', ['A', 'B']))).toBe('updated');
    expect(await new Deliverer(store).deliver(sink, digest('s1', ['A', 'B']))).toBe('unchanged');
    expect(sink.updates.map((u) => u.key)).toEqual(['rec|s1|update-1']);
  });

  it('tells a retried update when its first attempt began, however often it is retried', async () => {
    const store = openStore('memory://');
    const sink = new RecordingSink();
    await new Deliverer(store).deliver(sink, digest('s1', ['A']));
    const before = Date.now();
    sink.failNext = true;
    await expect(new Deliverer(store).deliver(sink, digest('s1', ['A', 'B']))).rejects.toThrow();
    sink.failNext = true;
    await expect(new Deliverer(store).deliver(sink, digest('s1', ['A', 'B']))).rejects.toThrow();
    expect(await new Deliverer(store).deliver(sink, digest('s1', ['A', 'B']))).toBe('updated');
    const [first, ...retries] = sink.updateSince;
    // A first attempt has nothing to look for; both retries search from when it began.
    expect(first).toBeUndefined();
    expect(retries).toHaveLength(2);
    expect(retries[0]).toBeGreaterThanOrEqual(before);
    expect(retries[1]).toBe(retries[0]);
    expect(sink.updates.map((u) => u.key)).toEqual(['rec|s1|update-1']);
    // The next update is a new act, with nothing to look for.
    await new Deliverer(store).deliver(sink, digest('s1', ['A', 'B', 'C']));
    expect(sink.updates.map((u) => [u.key, u.since])).toEqual([
      ['rec|s1|update-1', retries[0]],
      ['rec|s1|update-2', undefined],
    ]);
  });

  it('a retried update sends what its interrupted attempt was sending, and newer coverage as the next update', async () => {
    const { store, sink } = await interruptedUpdate();
    // C arrives while the worker is down.
    expect(await new Deliverer(store).deliver(sink, digest('s1', ['A', 'B', 'C']))).toBe('updated');
    expect(
      sink.updates.map((u) => [
        u.key,
        u.update.newCoverage.map((c) => c.source),
        u.update.newFacts.map((f) => f.key),
      ]),
    ).toEqual([
      ['rec|s1|update-1', ['B'], ['f-B']],
      ['rec|s1|update-2', ['C'], ['f-C']],
    ]);
    expect(await new Deliverer(store).deliver(sink, digest('s1', ['A', 'B', 'C']))).toBe('unchanged');
    expect(await new Deliverer(store).state(sink, 's1', ['s1-A', 's1-B', 's1-C'])).toBe('current');
  });

  it('a retried update sends its facts as first worded and counted, though later coverage changed them', async () => {
    const { store, sink } = await interruptedUpdate();
    // C arrives while the worker is down and corroborates B's fact, now told in C's words.
    const later = digest('s1', ['A', 'B', 'C']);
    later.facts[1] = { key: 'f-B', text: 'fact as C put it', sources: ['B', 'C'], count: 2 };
    expect(await new Deliverer(store).deliver(sink, later)).toBe('updated');
    const [retried, next] = sink.updates;
    expect(retried!.key).toBe('rec|s1|update-1');
    expect(retried!.update.newFacts).toEqual([{ key: 'f-B', text: 'fact from B', sources: ['B'], count: 1 }]);
    expect(retried!.update.newCoverage.map((c) => c.itemId)).toEqual(['s1-B']);
    // The update that follows carries the story as it is now.
    expect(next!.update.newFacts.map((f) => f.key)).toEqual(['f-C']);
    expect(next!.update.digest.facts[1]!.count).toBe(2);
  });

  it('a retried update sends the opinion pieces of its interrupted attempt as first summed up', async () => {
    const store = openStore('memory://');
    const sink = new RecordingSink();
    await new Deliverer(store).deliver(sink, digest('s1', ['A']));
    const withPiece = (gist: string): StoryDigest => ({
      ...digest('s1', ['A', 'B']),
      opinion: [{ source: 'B', kind: 'opinion', gist, itemId: 's1-B' }],
    });
    sink.failNext = true;
    await expect(new Deliverer(store).deliver(sink, withPiece('first gist'))).rejects.toThrow();
    // The gist was worked out afresh after the restart; the retry still sends the one first sent.
    expect(await new Deliverer(store).deliver(sink, withPiece('later gist'))).toBe('updated');
    expect(sink.updates[0]!.update.newOpinion.map((o) => o.gist)).toEqual(['first gist']);
  });

  it('uses what the platform recovered instead of posting again', async () => {
    const store = openStore('memory://');
    const sink = new RecordingSink();
    const recovering = withRecover(sink, async (key) =>
      key === 'rec|s1|post' ? { parentId: 'found' } : undefined,
    );
    await interruptedPost(store, [], []);
    expect(await new Deliverer(store).deliver(recovering, digest('s1', ['A']))).toBe('posted');
    expect(sink.posts).toEqual([]);
    expect(await new Deliverer(store).deliver(recovering, digest('s1', ['A', 'B']))).toBe('updated');
    expect(sink.updates[0]!.ref.parentId).toBe('found');
  });

  it('counts a recovered post as what its interrupted attempt posted, and sends coverage that came in since', async () => {
    const store = openStore('memory://');
    const sink = new RecordingSink();
    const recovering = withRecover(sink, async (key) =>
      key === 'rec|s1|post' ? { parentId: 'found' } : undefined,
    );
    // The post with A went out; the worker stopped before recording it, and B came in meanwhile.
    await interruptedPost(store, ['s1-A'], ['f-A'], Date.now());
    // B goes out at once as an update of the recovered post, not with the story's next report.
    expect(await new Deliverer(store).deliver(recovering, digest('s1', ['A', 'B']))).toBe('posted');
    expect(sink.posts).toEqual([]);
    expect(sink.updates[0]!.update.newCoverage.map((c) => c.source)).toEqual(['B']);
    expect(sink.updates[0]!.update.newFacts.map((f) => f.key)).toEqual(['f-B']);
    expect(await new Deliverer(store).deliver(recovering, digest('s1', ['A', 'B']))).toBe('unchanged');
    expect(sink.updates).toHaveLength(1);
  });

  it('completes an interrupted post as its attempt had it, and sends what came in since as an update', async () => {
    // The platform finds the parent but hands it back to be completed (Discord, with its thread partly sent):
    // the retry must post what the first attempt was posting, or the thread mixes two versions of the story.
    const store = openStore('memory://');
    const sink = new RecordingSink();
    const completing = withRecover(sink, async () => undefined);
    await interruptedPost(store, ['s1-A'], ['f-A'], Date.now());
    const posted: StoryDigest[] = [];
    const post = completing.post;
    completing.post = (d, k) => {
      posted.push(d);
      return post(d, k);
    };
    expect(await new Deliverer(store).deliver(completing, digest('s1', ['A', 'B']))).toBe('posted');
    expect(
      posted.map((d) => [d.coverage.map((c) => c.source), d.facts.map((f) => f.key), d.outletCount]),
    ).toEqual([[['A'], ['f-A'], 1]]);
    expect(sink.posts.map((p) => p.key)).toEqual(['rec|s1|post']);
    expect(sink.updates.map((u) => u.update.newCoverage.map((c) => c.source))).toEqual([['B']]);
  });

  it('keeps the first start of a post however often it is retried, so the search still finds that attempt', async () => {
    const store = openStore('memory://');
    const sink = new RecordingSink();
    const asked: (number | undefined)[] = [];
    const recovering = withRecover(sink, async (_key, since) => {
      asked.push(since);
      return undefined;
    });
    const first = Date.now();
    sink.failNext = true;
    await expect(new Deliverer(store).deliver(recovering, digest('s1', ['A']))).rejects.toThrow();
    const pending = async () =>
      ((await store.ns('deliveries').get('rec|s1')) as { pending?: { since?: number } }).pending?.since;
    const since = await pending();
    expect(since).toBeGreaterThanOrEqual(first);
    await new Promise((r) => setTimeout(r, 5));
    sink.failNext = true;
    await expect(new Deliverer(store).deliver(recovering, digest('s1', ['A']))).rejects.toThrow();
    expect(await pending()).toBe(since);
    expect(await new Deliverer(store).deliver(recovering, digest('s1', ['A']))).toBe('posted');
    expect(asked).toEqual([since, since]);
  });

  it('looks for and retries a one-off act with the text and start of its first attempt', async () => {
    const store = openStore('memory://');
    const posted: { key: string; text: string }[] = [];
    const asked: { since?: number; text: string }[] = [];
    // A platform that finds a notice only by its exact text, as Discord does once the nonce is forgotten.
    const recover = async (key: string, since: number | undefined, text: string) => {
      asked.push({ since, text });
      return posted.some((p) => p.key === key && p.text === text) ? { parentId: 'found' } : undefined;
    };
    const crashAfterPosting = async (key: string, text: string): Promise<PostedRef> => {
      posted.push({ key, text });
      throw new Error('worker stopped before recording');
    };
    await expect(
      new Deliverer(store).once('daily', 'Daily digest: 2 top stories', crashAfterPosting, recover),
    ).rejects.toThrow();
    // After the restart the header would read differently (one story has moved on since).
    const post = async (key: string, text: string) => {
      posted.push({ key, text });
      return { parentId: 'again' };
    };
    const ref = await new Deliverer(store).once('daily', 'Daily digest: 1 top story', post, recover);
    expect(ref).toEqual({ parentId: 'found' });
    expect(posted.map((p) => p.text)).toEqual(['Daily digest: 2 top stories']);
    expect(asked[0]!.text).toBe('Daily digest: 2 top stories');
    expect(asked[0]!.since).toBeGreaterThan(0);
  });

  it('tells recover when the interrupted post and one-off act were started, so the search can begin there', async () => {
    const store = openStore('memory://');
    const sink = new RecordingSink();
    const asked: { key: string; since?: number }[] = [];
    const recovering = withRecover(sink, async (key, since) => {
      asked.push({ key, since });
      return undefined;
    });
    const before = Date.now();
    sink.failNext = true;
    await expect(new Deliverer(store).deliver(recovering, digest('s1', ['A']))).rejects.toThrow();
    const after = Date.now();
    expect(await new Deliverer(store).deliver(recovering, digest('s1', ['A']))).toBe('posted');
    expect(asked).toHaveLength(1);
    expect(asked[0]!.key).toBe('rec|s1|post');
    expect(asked[0]!.since).toBeGreaterThanOrEqual(before);
    expect(asked[0]!.since).toBeLessThanOrEqual(after);

    const d = new Deliverer(store);
    const act = async () => {
      throw new Error('platform down');
    };
    await expect(d.once('header', 'Daily digest', act, recovering.recover)).rejects.toThrow();
    const ref = await d.once('header', 'Daily digest', async () => ({ parentId: 'h1' }), recovering.recover);
    expect(ref).toEqual({ parentId: 'h1' });
    expect(asked[1]!.key).toBe('header');
    expect(asked[1]!.since).toBeGreaterThanOrEqual(before);
  });

  it('lets the surviving story of a merge continue the thread posted under the story folded into it', async () => {
    const store = openStore('memory://');
    const d = new Deliverer(store);
    const sink = new RecordingSink();
    await d.deliver(sink, digest('old', ['A']));
    const merged = withCoverageOf(digest('survivor', ['B']), 'old', ['A']);
    merged.mergedFrom = ['old'];
    expect(await d.deliver(sink, merged)).toBe('updated');
    expect(sink.posts).toHaveLength(1);
    expect(sink.updates[0]!.ref.parentId).toBe('msg-old');
    expect(sink.updates[0]!.update.newCoverage.map((c) => c.itemId)).toEqual(['survivor-B']);
  });

  it('does not send again in the surviving thread what went out in the thread of the story folded in', async () => {
    const store = openStore('memory://');
    const d = new Deliverer(store);
    const sink = new RecordingSink();
    await d.deliver(sink, digest('old', ['A']));
    await d.deliver(sink, digest('survivor', ['B']));
    const merged = withCoverageOf(digest('survivor', ['B', 'C']), 'old', ['A']);
    merged.mergedFrom = ['old'];
    expect(await d.deliver(sink, merged)).toBe('updated');
    expect(sink.posts.map((p) => p.id)).toEqual(['old', 'survivor']);
    expect(sink.updates).toHaveLength(1);
    expect(sink.updates[0]!.ref.parentId).toBe('msg-survivor');
    expect(sink.updates[0]!.update.newCoverage.map((c) => c.itemId)).toEqual(['survivor-C']);
    expect(await d.deliver(sink, merged)).toBe('unchanged');
  });

  it('finishes a post cut off under the folded story with its own key, so the platform can recognise it', async () => {
    const store = openStore('memory://');
    const sink = new RecordingSink();
    sink.failNext = true;
    await expect(new Deliverer(store).deliver(sink, digest('old', ['A']))).rejects.toThrow();
    const merged = withCoverageOf(digest('survivor', ['B']), 'old', ['A']);
    merged.mergedFrom = ['old'];
    expect(await new Deliverer(store).deliver(sink, merged)).toBe('posted');
    expect(sink.posts).toEqual([{ id: 'survivor', key: 'rec|old|post' }]);
  });
});

describe('quiet coverage', () => {
  const HOUR = 3_600_000;
  /** Story q posted with A and B; `more` adds reports, each from an outlet already there unless named anew. */
  function setup() {
    const store = openStore('memory://');
    let clock = Date.UTC(2025, 0, 1, 12);
    const deliverer = () => new Deliverer(store, { quietHoldMs: HOUR, now: () => clock });
    const sink = new RecordingSink();
    let story = digest('q', ['A', 'B']);
    /** One more report; `fact` adds a fact of it, `opinion` makes it an analysis piece with that gist. */
    const more = (source: string, itemId: string, fact?: string, opinion?: string) => {
      story = {
        ...story,
        coverage: [
          ...story.coverage,
          { source, title: `t ${itemId}`, publishedAt: '2025-01-01T05:00:00.000Z', itemId },
        ],
        facts: fact ? [...story.facts, { key: fact, text: fact, sources: [source], count: 1 }] : story.facts,
        opinion: opinion
          ? [...story.opinion, { source, kind: 'analysis', gist: opinion, itemId }]
          : story.opinion,
      };
      return story;
    };
    return {
      store,
      sink,
      deliverer,
      more,
      advance: (ms: number) => {
        clock += ms;
      },
      ids: () => story.coverage.map((c) => c.itemId),
      first: () => deliverer().deliver(sink, story),
    };
  }

  it('holds more reports from outlets already in the thread and sends them together when the hold ends', async () => {
    const t = setup();
    await t.first();
    expect(await t.deliverer().deliver(t.sink, t.more('A', 'a-2'))).toBe('held');
    t.advance(HOUR / 2);
    expect(await t.deliverer().deliver(t.sink, t.more('B', 'b-2'))).toBe('held');
    expect(t.sink.updates).toHaveLength(0);
    // A restarted worker knows the hold from the store: nothing to build or send yet.
    expect(await t.deliverer().state(t.sink, 'q', t.ids())).toBe('holding');
    // The hold runs from the first held report, not the last.
    t.advance(HOUR / 2);
    expect(await t.deliverer().state(t.sink, 'q', t.ids())).toBe('behind');
    expect(await t.deliverer().deliver(t.sink, t.more('A', 'a-3'))).toBe('updated');
    expect(t.sink.updates).toHaveLength(1);
    const { update } = t.sink.updates[0]!;
    expect(update.newCoverage.map((c) => c.itemId)).toEqual(['a-2', 'b-2', 'a-3']);
    expect(update.newSources).toEqual([]);
    expect(await t.deliverer().state(t.sink, 'q', t.ids())).toBe('current');
    // The next quiet report starts a hold of its own.
    expect(await t.deliverer().deliver(t.sink, t.more('B', 'b-3'))).toBe('held');
  });

  it('sends held reports at once with the next new outlet or new fact', async () => {
    const t = setup();
    await t.first();
    expect(await t.deliverer().deliver(t.sink, t.more('A', 'a-2'))).toBe('held');
    expect(await t.deliverer().deliver(t.sink, t.more('C', 'c-1'))).toBe('updated');
    expect(t.sink.updates[0]!.update.newCoverage.map((c) => c.itemId)).toEqual(['a-2', 'c-1']);
    expect(t.sink.updates[0]!.update.newSources).toEqual(['C']);
    expect(await t.deliverer().deliver(t.sink, t.more('B', 'b-2'))).toBe('held');
    expect(await t.deliverer().deliver(t.sink, t.more('A', 'a-3', 'f-new'))).toBe('updated');
    expect(t.sink.updates[1]!.update.newCoverage.map((c) => c.itemId)).toEqual(['b-2', 'a-3']);
    expect(t.sink.updates[1]!.update.newFacts.map((f) => f.key)).toEqual(['f-new']);
  });

  it('sends an opinion or analysis piece from an outlet already in the thread at once, apart from the facts', async () => {
    const t = setup();
    await t.first();
    expect(await t.deliverer().deliver(t.sink, t.more('A', 'a-2'))).toBe('held');
    expect(await t.deliverer().deliver(t.sink, t.more('B', 'b-2', undefined, 'why it matters'))).toBe(
      'updated',
    );
    const { update } = t.sink.updates[0]!;
    expect(update.newCoverage.map((c) => c.itemId)).toEqual(['a-2', 'b-2']);
    expect(update.newFacts).toEqual([]);
    expect(update.newOpinion).toEqual([
      { source: 'B', kind: 'analysis', gist: 'why it matters', itemId: 'b-2' },
    ]);
    // A piece the thread has been sent is not sent again with later coverage.
    t.advance(HOUR);
    expect(await t.deliverer().deliver(t.sink, t.more('C', 'c-1'))).toBe('updated');
    expect(t.sink.updates[1]!.update.newOpinion).toEqual([]);
  });

  it('a new item beside held ones makes the story due for a look', async () => {
    const t = setup();
    await t.first();
    expect(await t.deliverer().deliver(t.sink, t.more('A', 'a-2'))).toBe('held');
    t.more('D', 'd-1');
    expect(await t.deliverer().state(t.sink, 'q', t.ids())).toBe('behind');
  });

  it('sends every update at once without a hold', async () => {
    const t = setup();
    await t.first();
    const d = new Deliverer(t.store);
    expect(await d.deliver(t.sink, t.more('A', 'a-2'))).toBe('updated');
    expect(t.sink.updates).toHaveLength(1);
  });
});

describe('delivery records over time', () => {
  it('keeps a record for keepMs after its last write, then the store deletes it', async () => {
    const file = join(tempDir('threadline-records-'), 'state.sqlite');
    const store = openStore(`sqlite://${file}`);
    await store.open();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.parse('2026-03-01T10:00:00Z'));
      const sink = new RecordingSink();
      const d = new Deliverer(store, { keepMs: 60_000 });
      const expires = async () =>
        ((await store.ns('deliveries').get('rec|s1', { raw: true })) as { expires?: number } | undefined)
          ?.expires;
      expect(await d.deliver(sink, digest('s1', ['A']))).toBe('posted');
      expect(await expires()).toBe(Date.now() + 60_000);
      // Each write keeps it longer: a story still in the news keeps its thread.
      vi.setSystemTime(Date.now() + 45_000);
      expect(await d.deliver(sink, digest('s1', ['A', 'B']))).toBe('updated');
      expect(await expires()).toBe(Date.now() + 60_000);
      vi.setSystemTime(Date.now() + 45_000);
      expect(await d.deliver(sink, digest('s1', ['A', 'B']))).toBe('unchanged');
      vi.setSystemTime(Date.now() + 30_000);
      await store.purgeExpired();
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const db = new sqlite3.Database(file);
        db.all("SELECT key FROM threadline WHERE key LIKE 'deliveries:rec|%'", (err, r) => {
          db.close();
          if (err) reject(err);
          else resolve(r);
        });
      });
      expect(rows).toEqual([]);
    } finally {
      vi.useRealTimers();
      await store.close();
    }
  });

  it('a worker keeps its records past the item log retention and the notes of which story items went under', async () => {
    const store = openStore('memory://');
    const before = Date.now();
    await new Deliverer(store, { keepMs: recordsKeptFor(14 * 86_400_000) }).deliver(
      new RecordingSink(),
      digest('s1', ['A']),
    );
    const { expires } = (await store.ns('deliveries').get('rec|s1', { raw: true })) as { expires: number };
    expect(expires - before).toBeGreaterThanOrEqual(44 * 86_400_000);
    expect(expires - before).toBeLessThan(45 * 86_400_000);
  });
});
