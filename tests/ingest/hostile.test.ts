/**
 * Hostile and broken input from the network: each case took seconds to hours before (patterns that rescan the
 * rest of the input from every position, a parser whose work grows with the square of the nesting), so a case
 * that regressed fails by running past the test's time-out. The sizes are far beyond what a real feed, page or
 * OPML file holds, and well within the byte caps the fetcher allows.
 */
import { describe, expect, it } from 'vitest';
import { analyseArticle, classifySentence, splitSentences } from '../../src/classify/index.js';
import { extractPage } from '../../src/extract/index.js';
import { FeedParseError, parseFeed, parseOpml } from '../../src/ingest/index.js';
import { OpmlError } from '../../src/ingest/opml.js';
import { splitText } from '../../src/platforms/split.js';

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const parsesOrRejects = async (body: string) => {
  try {
    return await parseFeed(Buffer.from(body), { url: 'https://feed.example/rss' });
  } catch (err) {
    expect(err).toBeInstanceOf(FeedParseError);
    return undefined;
  }
};

describe('feeds built to stall the parser', () => {
  it('a declaration followed by a run of spaces and no root element is rejected', async () => {
    await expect(parseFeed(Buffer.from(`<?xml version="1.0"?>${' '.repeat(32)}x`))).rejects.toThrow(
      /no root element/,
    );
  });

  it('open tags that never close (inline XHTML, the RSS root, paragraphs in a description)', async () => {
    await parsesOrRejects(
      `<feed xmlns="http://www.w3.org/2005/Atom">${fill('<content type="xhtml"', 200_000)}</feed>`,
    );
    await parsesOrRejects(`<rss${fill(' <rss', 200_000)}`);
    await parsesOrRejects(`<rss><channel><item></x>${fill('<a ', 200_000)}`);
    const feed = await parsesOrRejects(
      `<rss><channel><item><title>t</title><link>https://a.example/1</link><description><![CDATA[${fill('<p ', 1_000_000)}]]></description></item></channel></rss>`,
    );
    expect(feed?.items).toHaveLength(1);
  });

  it('a prolog of many declarations, comments or doctypes and no root element is rejected', async () => {
    for (const prolog of [fill('<?a?>', 200), fill('<!---->', 280), `<!DOCTYPE${' '.repeat(200_000)}`]) {
      await expect(parseFeed(Buffer.from(`${prolog}x`))).rejects.toThrow(/no root element/);
    }
    const feed = await parseFeed(
      Buffer.from(
        `<?xml version="1.0"?><!-- c --><!DOCTYPE rss [<!ENTITY a "]]>">]><rss><channel><title>P</title></channel></rss>`,
      ),
    );
    expect(feed.title).toBe('P');
  });

  it('a markup declaration that runs on (<!ENTITY, <![if) is skipped like a short one', async () => {
    const feed = await parsesOrRejects(
      `<rss><channel><item><title>t</title><link>https://a.example/1</link><description><!X${fill('a', 200_000)}></description></item></channel></rss>`,
    );
    expect(feed?.items[0]).toMatchObject({ title: 't' });
    expect(feed?.items[0]?.description).toBeUndefined();
    await parsesOrRejects(`<rss><channel><title>T</title>${fill('<!ENTITY ', 200_000)}</channel></rss>`);
  });

  it('a feed of a hundred thousand comments that needs repair keeps its title', async () => {
    const feed = await parseFeed(
      Buffer.from(`<rss><channel><title>T &amp; U &</title>${'<!---->'.repeat(100_000)}</channel></rss>`),
    );
    expect(feed.title).toBe('T & U &');
  });

  it('broken markup for the tag balancer: an endless tag name, unclosed <? and <!DOCTYPE, stray close tags', async () => {
    await parsesOrRejects(`<rss><channel><item></x><a${fill('a', 200_000)}`);
    await parsesOrRejects(`<rss><channel><item></x>${fill('<?', 200_000)}`);
    await parsesOrRejects(`<rss><channel><item></x>${fill('<!DOCTYPE', 200_000)}`);
    const feed = await parsesOrRejects(
      `<rss><channel><title>T</title></x>${'<a>'.repeat(50_000)}${'</b>'.repeat(50_000)}`,
    );
    expect(feed?.title).toBe('T');
  });

  it('descriptions of unclosed <svg>, <!-- and <img, and bylines of "@" or "(", are read', async () => {
    const item = async (inner: string) => {
      const feed = await parseFeed(
        Buffer.from(
          `<rss><channel><title>T</title><item><title>t</title><link>https://a.example/1</link>${inner}</item></channel></rss>`,
        ),
      );
      return feed.items[0]!;
    };
    const cdata = (html: string) => `<description><![CDATA[${html}]]></description>`;
    expect((await item(cdata(`a ${'<svg>'.repeat(40_000)}`))).description).toBe('a');
    expect((await item(cdata(fill('<!--', 200_000)))).description).toMatch(/^<!--<!--/);
    expect((await item(cdata(`a ${fill('<img ', 200_000)}`))).imageUrl).toBeUndefined();
    expect((await item(`<author>${fill('@', 200_000)}</author>`)).author).toMatch(/^@{200}/);
    expect((await item(`<author>a@b${fill('(', 200_000)}</author>`)).author).toMatch(/^a@b\(\(/);
    expect((await item(`<author>ed@s.example (Ed Smith)</author>`)).author).toBe('Ed Smith');
  });

  it('an item link with a long run of slashes keeps its identity', async () => {
    const link = `https://a.example/${fill('/', 200_000)}x`;
    const rss = `<rss><channel><title>T</title><item><title>t</title><link>${link}</link></item></channel></rss>`;
    const [item] = (await parseFeed(Buffer.from(rss))).items;
    expect(item!.id).toBeTruthy();
  });

  it('a runaway title, byline or tag is cut, and control characters are dropped', async () => {
    const rss = `<rss><channel><title>Wire\u0007</title><item><title>Breaking\u0001 \u001b[31mred ${fill('word ', 1_000_000)}</title><link>https://a.example/1</link></item></channel></rss>`;
    const [item] = (await parseFeed(Buffer.from(rss))).items;
    expect(item!.title.length).toBeLessThanOrEqual(301);
    expect(item!.title).toMatch(/^Breaking \[31mred word word/);
    expect(item!.title).not.toMatch(/[\u0000-\u001f]/);
    expect(item!.source).toBe('Wire');

    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'J',
      items: [
        {
          id: '1',
          title: `a\u0000b ${'x'.repeat(100_000)}`,
          tags: ['y'.repeat(100_000)],
          authors: [{ name: 'z'.repeat(100_000) }],
        },
      ],
    });
    const [fromJson] = (await parseFeed(Buffer.from(json))).items;
    expect(fromJson!.title).toMatch(/^a b x/);
    expect(fromJson!.title.length).toBeLessThanOrEqual(301);
    expect(fromJson!.author!.length).toBeLessThanOrEqual(201);
    expect(fromJson!.categories![0]!.length).toBeLessThanOrEqual(101);
  });
});

describe('OPML built to stall the importer', () => {
  it('unclosed outlines and comments, and one endless attribute name, import nothing', () => {
    for (const body of [
      `<opml><body>${fill('<outline ', 400_000)}`,
      `<opml><body>${fill('<!--', 400_000)}`,
      `<opml><body><outline ${fill('a', 400_000)}/></body></opml>`,
    ]) {
      try {
        expect(parseOpml(body)).toEqual([]);
      } catch (err) {
        expect(err).toBeInstanceOf(OpmlError);
      }
    }
  });
});

describe('article pages built to stall extraction', () => {
  it('a page nested a hundred thousand deep is read as text', () => {
    const page = extractPage(
      `${'<div>'.repeat(100_000)}Deep text${'</div>'.repeat(100_000)}`,
      'https://a.example/',
    );
    expect(page.text).toContain('Deep text');
  });

  it('a page of ten thousand paragraphs keeps them', () => {
    const paragraphs = Array.from(
      { length: 10_000 },
      (_, i) => `<p>The minister said plan ${i} would be delayed.</p>`,
    );
    const page = extractPage(
      `<html><body><article>${paragraphs.join('')}</article></body></html>`,
      'https://a.example/',
    );
    expect(page.text.split('\n\n').length).toBeGreaterThan(9_000);
  });

  it('a page of unclosed tags is read', () => {
    expect(extractPage(fill('<a', 1_000_000), 'https://a.example/').text).toBeDefined();
  });

  it('a page of twenty thousand <noscript> paragraphs and no article gives the text of one', () => {
    const block = (i: number) => `<noscript><p>Paragraph ${i} ${fill('word ', 250)}</p></noscript>`;
    const page = extractPage(
      `<html><body>${Array.from({ length: 20_000 }, (_, i) => block(i)).join('')}</body></html>`,
      'https://a.example/',
    );
    expect(page.text).toMatch(/^Paragraph \d+ word word/);
    expect(page.text.match(/Paragraph/g)).toHaveLength(1);
  });
});

describe('text built to stall the renderers', () => {
  it('splits a text with a long run of spaces before its last word', () => {
    const pieces = splitText(`a${' '.repeat(200_000)}x`, 2000);
    expect(pieces).toEqual(['a', 'x']);
  });
});

describe('text built to stall the classifier', () => {
  it('splits a run of four hundred thousand dots, and labels a sentence that is one endless word', () => {
    expect(splitSentences(`${fill('.', 400_000)}x`).length).toBeGreaterThan(0);
    expect(['fact', 'opinion']).toContain(classifySentence(fill('a', 100_000)).label);
    expect(
      analyseArticle({ title: 't', text: `${fill('.', 40_000)} Then a sentence follows.` }).sections.length,
    ).toBeGreaterThan(0);
  });
});
