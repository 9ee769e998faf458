import { execFileSync } from 'node:child_process';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  articleKey,
  canonicalUrl,
  discoverFeeds,
  FeedParseError,
  parseDate,
  parseFeed,
  parseOpml,
  toOpml,
} from '../../src/ingest/index.js';
import { htmlToText } from '../../src/ingest/text.js';

const now = new Date('2024-01-01T00:00:00Z');
const wrap = (item: string, head = '<?xml version="1.0"?>') =>
  `${head}<rss version="2.0"><channel><title>T</title><link>https://site.example/</link>${item}</channel></rss>`;

describe('charset decoding', () => {
  const xml = (enc: string) =>
    `<?xml version="1.0" encoding="${enc}"?>${wrap('<item><title>Café — “quoted” €5</title><link>https://site.example/c</link></item>', '')}`;
  it('uses the XML declaration (windows-1252)', async () => {
    const f = await parseFeed(iconv.encode(xml('windows-1252'), 'windows-1252'));
    expect(f.items[0]!.title).toBe('Café — “quoted” €5');
  });
  it('treats ISO-8859-1 as windows-1252, as browsers do', async () => {
    const f = await parseFeed(iconv.encode(xml('ISO-8859-1'), 'windows-1252'));
    expect(f.items[0]!.title).toBe('Café — “quoted” €5');
  });
  it('uses Content-Type charset (ISO-8859-15, KOI8-R)', async () => {
    const body = `<rss version="2.0"><channel><title>Новости</title><item><title>Привет €</title><link>https://s.example/r</link></item></channel></rss>`;
    const f = await parseFeed(iconv.encode(body, 'koi8-r'), {
      contentType: 'application/rss+xml; charset=KOI8-R',
    });
    expect(f.title).toBe('Новости');
    const g = await parseFeed(
      iconv.encode(xml('iso-8859-15').replace('—', '-').replace(/[“”]/g, '"'), 'iso-8859-15'),
    );
    expect(g.items[0]!.title).toBe('Café - "quoted" €5');
  });
  it('honours BOMs (UTF-8, UTF-16LE) and leading whitespace', async () => {
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`\n\n  ${wrap('')}`)]);
    expect((await parseFeed(utf8)).title).toBe('T');
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode(wrap('').replace('?>', ' encoding="utf-16"?>'), 'utf-16le'),
    ]);
    expect((await parseFeed(utf16)).title).toBe('T');
  });
  it('reads UTF-8 bytes labelled UTF-16 (as .NET writers declare them) as UTF-8', async () => {
    const body = Buffer.from(xml('utf-16'), 'utf8');
    expect((await parseFeed(body)).items[0]!.title).toBe('Café — “quoted” €5');
    const plain = Buffer.from(wrap('<item><title>Café</title></item>', ''), 'utf8');
    const f = await parseFeed(plain, { contentType: 'application/rss+xml; charset=UTF-16' });
    expect(f.items[0]!.title).toBe('Café');
  });
  it('drops bidi controls from feed titles and names, and cleans a configured name too', async () => {
    const body = `<rss version="2.0"><channel><title>Daily \u202Eswen\u202C News</title>
      <item><title>Post</title><link>https://s.example/p</link></item></channel></rss>`;
    const f = await parseFeed(Buffer.from(body));
    expect(f.title).toBe('Daily swen News');
    expect(f.items[0]!.source).toBe('Daily swen News');
    const named = await parseFeed(Buffer.from(body), { name: `  My\u2067 feed\n${'x'.repeat(300)}` });
    expect(named.items[0]!.source).toMatch(/^My feed x+…$/);
    expect(named.items[0]!.source.length).toBe(201);
  });
  it('goes by the bytes when the labels contradict them: UTF-8 under a Latin-1 label, and the reverse', async () => {
    const title = '<item><title>Café – Niño</title><link>https://site.example/a</link></item>';
    const latin1Header = { contentType: 'text/xml; charset=ISO-8859-1' };
    // No declaration, so XML's own default (UTF-8) stands against a server's default header.
    expect((await parseFeed(Buffer.from(wrap(title, '')), latin1Header)).items[0]!.title).toBe('Café – Niño');
    const declaredLatin1 = wrap(title, '<?xml version="1.0" encoding="ISO-8859-1"?>');
    expect((await parseFeed(Buffer.from(declaredLatin1))).items[0]!.title).toBe('Café – Niño');
    // Windows-1252 bytes under a UTF-8 label: no replacement characters.
    const legacy = iconv.encode(wrap(title, ''), 'windows-1252');
    const f = await parseFeed(legacy, { contentType: 'application/rss+xml; charset=utf-8' });
    expect(f.items[0]!.title).toBe('Café – Niño');
    // A server's Latin-1 default gives way to the encoding the document declares.
    const russian = iconv.encode(
      `<?xml version="1.0" encoding="windows-1251"?>${wrap('<item><title>Новости</title></item>', '')}`,
      'windows-1251',
    );
    expect((await parseFeed(russian, latin1Header)).items[0]!.title).toBe('Новости');
    // UTF-8 with one broken byte stays UTF-8.
    const broken = Buffer.concat([
      Buffer.from(wrap('<item><title>Niño \u00e9t\u00e9 ', '')),
      Buffer.from([0xff]),
      Buffer.from('</title></item></channel></rss>'),
    ]);
    expect((await parseFeed(broken)).items[0]!.title).toMatch(/^Niño été/);
  });
  it('falls back to windows-1252 for undeclared non-UTF-8 bytes', async () => {
    const f = await parseFeed(iconv.encode(wrap('<item><title>naïve</title></item>', ''), 'windows-1252'));
    expect(f.items[0]!.title).toBe('naïve');
  });
});

describe('recovery from broken XML', () => {
  it('repairs bare ampersands and HTML entities, keeping real entities', async () => {
    const f = await parseFeed(
      wrap(
        '<item><title>Fish & Chips &amp; more&nbsp;&eacute;t&eacute; &copy=2</title><link>https://s.example/a?x=1&y=2</link></item>',
      ),
    );
    expect(f.items[0]!.title).toBe('Fish & Chips & more été &copy=2');
    expect(f.items[0]!.url).toBe('https://s.example/a?x=1&y=2');
  });
  it('puts in the text of entities the doctype declares, never expanding one inside another', async () => {
    const doc = (decls: string, title: string) =>
      `<?xml version="1.0"?><!DOCTYPE rss [${decls}]><rss version="2.0"><channel><title>${title}</title>` +
      '<item><title>a</title><link>https://s.example/a</link></item></channel></rss>';
    const f = await parseFeed(doc('<!ENTITY pub "Daily Planet &amp; Co">', '&pub; news'));
    expect(f.title).toBe('Daily Planet & Co news');
    // A value naming other entities stays as written: no chain of declarations can multiply the text.
    const laughs = '<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">';
    expect((await parseFeed(doc(laughs, '&b;'))).title).toBe('&a;&a;&a;&a;&a;&a;&a;&a;');
    // Nor can many uses of one: the text added stops at the document's own length.
    const many = (await parseFeed(doc(`<!ENTITY x "${'x'.repeat(200)}">`, '&x;'.repeat(2000)))).title ?? '';
    expect(many.length).toBeLessThan(20_000);
  });
  it('closes misspelt and missing close tags, drops junk after the root', async () => {
    const f = await parseFeed(
      `${wrap('<language>en</langauge><item><title>X</title><link>https://s.example/x</link></item>')}<script>junk</script>`,
    );
    expect(f.items).toHaveLength(1);
    const truncated = await parseFeed(
      '<rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://s.example/a</link></item><item><title>B',
    );
    expect(truncated.items.map((i) => i.title)).toEqual(['A', 'B']);
  });
  it.each([
    ['<!DOCTYPE html><html><head><title>x</title></head><body></body></html>', /HTML page/],
    ['<html><body>x</body></html>', /HTML page/],
    ['hello world', /neither XML nor JSON/],
    ['', /empty/],
    ['{"hello": 1}', /not a JSON Feed/],
    ['<note><to>x</to></note>', /not RSS, Atom or RDF/],
    ['<rss version="2.0"><channel><title>x</title><item><title>a</item></channel></rss', /malformed XML/],
  ])('rejects %j with a clear error', async (body, msg) => {
    const err = await parseFeed(body).catch((e) => e);
    expect(err).toBeInstanceOf(FeedParseError);
    expect(err.message).toMatch(msg);
  });
  it("judges each feed on its own: one feed's trailing junk does not relax the next one's checks", async () => {
    const broken = wrap('<item><title>x</title><link a=b>https://s.example/1</link></item>');
    await expect(parseFeed(broken)).rejects.toThrow(/Unquoted attribute value/);
    const junk = `${wrap('<item><title>j</title><link>https://s.example/j</link></item>')}<junk <<<`;
    expect((await parseFeed(junk)).items).toHaveLength(1);
    await expect(parseFeed(broken)).rejects.toThrow(/Unquoted attribute value/);
  });
  it('rejects binary garbage', async () => {
    await expect(parseFeed(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]))).rejects.toThrow(/gzip/);
    await expect(parseFeed(Buffer.from([0, 1, 2, 3, 255, 254, 7, 8]))).rejects.toThrow(FeedParseError);
  });
});

describe('formats and normalisation', () => {
  it('reads Atom with xml:base, authors, categories, content and summary', async () => {
    const f = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/"><title type="html">A &lt;b&gt;Blog&lt;/b&gt;</title>
      <link rel="alternate" href="/"/><link rel="self" href="/feed.atom"/>
      <entry xml:base="posts/"><title>Post</title><id>tag:blog.example,2024:1</id><link rel="alternate" href="first?utm_source=x&amp;id=3#c"/>
      <updated>2024-01-01T10:00:00Z</updated><author><name>Ann</name></author><category term="tech"/><category term="Tech"/>
      <summary>Short</summary><content type="html">&lt;p&gt;Para one.&lt;/p&gt;&lt;p&gt;Para &lt;b&gt;two&lt;/b&gt;.&lt;/p&gt;&lt;img src="/i.jpg"&gt;</content></entry></feed>`,
      { url: 'https://blog.example/feed.atom', now },
    );
    expect(f.title).toBe('A Blog');
    expect(f.link).toBe('https://blog.example/');
    const it0 = f.items[0]!;
    expect(it0.url).toBe('https://blog.example/posts/first?id=3');
    expect(it0.author).toBe('Ann');
    expect(it0.categories).toEqual(['tech']);
    expect(it0.description).toBe('Short');
    expect(it0.text).toBe('Para one.\n\nPara two.');
    expect(it0.imageUrl).toBe('https://blog.example/i.jpg');
    expect(it0.publishedAt).toBe('2024-01-01T10:00:00.000Z');
  });

  it('reads RSS 1.0 and RSS 0.91', async () => {
    const rdf = await parseFeed(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="x"><title>R</title><link>https://r.example/</link></channel><item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link><dc:date>2024-01-01T00:00:00Z</dc:date><dc:creator>Bo</dc:creator></item></rdf:RDF>`,
    );
    expect(rdf.items[0]).toMatchObject({ title: 'One', url: 'https://r.example/1', author: 'Bo' });
    const old = await parseFeed(
      '<rss version="0.91"><channel><title>Old</title><item><title>I</title><link>http://o.example/i</link></item></channel></rss>',
    );
    expect(old.items[0]!.url).toBe('http://o.example/i');
  });

  it('reads JSON Feed 1.1', async () => {
    const f = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'J',
        home_page_url: 'https://j.example/',
        items: [
          {
            id: '1',
            url: '/a',
            title: 'A',
            content_html: '<p>x</p><p>y</p>',
            summary: 's',
            authors: [{ name: 'Z' }],
            tags: ['t'],
            date_published: '2024-01-01T00:00:00Z',
          },
        ],
      }),
    );
    expect(f.format).toBe('json');
    expect(f.items[0]).toMatchObject({
      url: 'https://j.example/a',
      title: 'A',
      text: 'x\n\ny',
      description: 's',
      author: 'Z',
      categories: ['t'],
    });
  });

  it('takes media images, RSS author names and content:encoded paragraphs', async () => {
    const f = await parseFeed(
      wrap(
        `<item xmlns:media="http://search.yahoo.com/mrss/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><title>M</title><link>https://s.example/m</link><author>ed@s.example (Ed Smith)</author><description>&lt;p&gt;Sum&lt;/p&gt;</description><content:encoded><![CDATA[<p>One & done.</p><div>Two<br>lines</div><script>x()</script>]]></content:encoded><media:content url="https://img.example/s.jpg" width="140" medium="image"/><media:content url="https://img.example/l.jpg" width="460" medium="image"/></item>`,
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'.slice(
          0,
          0,
        ),
      ),
    );
    expect(f.items[0]).toMatchObject({
      author: 'Ed Smith',
      imageUrl: 'https://img.example/l.jpg',
      description: 'Sum',
      text: 'One & done.\n\nTwo\n\nlines',
    });
  });

  it('falls back to now for missing dates, and to the guid for identity without links', async () => {
    const f = await parseFeed(
      wrap('<item><title>No link</title><guid isPermaLink="false">abc</guid></item>'),
      { url: 'https://s.example/feed', now },
    );
    expect(f.items[0]!.publishedAt).toBe(now.toISOString());
    const g = await parseFeed(
      wrap('<item><title>Renamed</title><guid isPermaLink="false">abc</guid></item>'),
      { url: 'https://s.example/feed', now },
    );
    expect(g.items[0]!.id).toBe(f.items[0]!.id);
    const other = await parseFeed(
      wrap('<item><title>No link</title><guid isPermaLink="false">abc</guid></item>'),
      { url: 'https://other.example/feed', now },
    );
    expect(other.items[0]!.id).not.toBe(f.items[0]!.id);
  });

  it('names an item without a title by the opening of its content', async () => {
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Microblog',
      home_page_url: 'https://mb.example/',
      items: [{ id: '1', url: 'https://mb.example/1', content_html: '<p>Just shipped a new release.</p>' }],
    });
    expect((await parseFeed(json, { now })).items[0]!.title).toBe('Just shipped a new release.');
    const rss = `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>
      <item><link>https://site.example/a</link><content:encoded><![CDATA[<p>Body only post.</p>]]></content:encoded></item>
      </channel></rss>`;
    expect((await parseFeed(rss, { now })).items[0]!.title).toBe('Body only post.');
  });

  it('takes an image address from item markup as meant: entities decoded, relative to the declared base', async () => {
    const img = (src: string) =>
      `<item><title>A</title><link>https://www.site.example/a</link><description><![CDATA[<img src="${src}"> text]]></description></item>`;
    const jetpack = await parseFeed(
      wrap(img('https://i0.wp.com/site.example/a.jpg?resize=1024%2C683&amp;ssl=1')),
      {
        now,
      },
    );
    expect(jetpack.items[0]!.imageUrl).toBe('https://i0.wp.com/site.example/a.jpg?resize=1024%2C683&ssl=1');
    const based = `<rss version="2.0" xml:base="https://www.site.example/"><channel><title>T</title>${img('/img/a.jpg')}</channel></rss>`;
    const f = await parseFeed(based, { now, url: 'https://feeds.example.net/news.xml' });
    expect(f.items[0]!.imageUrl).toBe('https://www.site.example/img/a.jpg');
    // Without a declared base, relative to the item's page.
    const g = await parseFeed(wrap(img('img/b.jpg')), { now, url: 'https://feeds.example.net/news.xml' });
    expect(g.items[0]!.imageUrl).toBe('https://www.site.example/img/b.jpg');
  });

  it('reads Atom entries written with a prefix bound to the Atom namespace', async () => {
    const f = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><p0:entry xmlns:p0="http://www.w3.org/2005/Atom"><p0:title>Hello</p0:title><p0:id>urn:1</p0:id><p0:link href="https://site.example/e1"/></p0:entry></feed>`,
      { now },
    );
    expect(f.items.map((i) => [i.title, i.url])).toEqual([['Hello', 'https://site.example/e1']]);
  });

  it('does not let a link shared by every item collapse them', async () => {
    const f = await parseFeed(
      wrap(
        '<item><title>A</title><link>https://site.example/</link><guid>1</guid></item><item><title>B</title><link>https://site.example/</link><guid>2</guid></item>',
      ),
    );
    expect(new Set(f.items.map((i) => i.id)).size).toBe(2);
  });
});

describe('dates', () => {
  it('reads zone abbreviations beyond the North American ones, and a date without a zone as UTC', () => {
    const iso = (s: string) => parseDate(s)?.toISOString();
    expect(iso('Sat, 09 Aug 2025 10:00:00 CEST')).toBe('2025-08-09T08:00:00.000Z');
    expect(iso('Sat, 09 Aug 2025 10:00:00 BST')).toBe('2025-08-09T09:00:00.000Z');
    expect(iso('Sat, 09 Aug 2025 10:00:00 AEST')).toBe('2025-08-09T00:00:00.000Z');
    expect(iso('9 August 2025 10:00 IST')).toBe('2025-08-09T04:30:00.000Z');
    expect(iso('Sat, 09 Aug 2025 10:00:00 EST')).toBe('2025-08-09T15:00:00.000Z');
    expect(iso('Sat, 09 Aug 2025 10:00:00 GMT+2')).toBe('2025-08-09T08:00:00.000Z');
    // Whatever the host's time zone (TZ), which the tests do not fix.
    expect(iso('Sat, 09 Aug 2025 10:00:00')).toBe('2025-08-09T10:00:00.000Z');
    expect(iso('2025-08-09T10:00:00')).toBe('2025-08-09T10:00:00.000Z');
    expect(iso('2025-08-09 10:00:00')).toBe('2025-08-09T10:00:00.000Z');
    expect(iso('Saturday, August 9, 2025 10:00 AM')).toBe('2025-08-09T10:00:00.000Z');
    expect(iso('Sat, 09 Aug 2025')).toBe('2025-08-09T00:00:00.000Z');
    expect(iso('Sat, 09 Aug 2025 10:00:00 XYZ')).toBe('2025-08-09T10:00:00.000Z');
    expect(iso('nonsense')).toBeUndefined();
  });

  it('gives the same times whatever time zone the host is in', () => {
    const script = `import { parseDate } from './src/ingest/parse.ts';
      for (const s of ['Sat, 09 Aug 2025 10:00:00', '2025-08-09T10:00:00', 'August 9, 2025 10:00 PM', 'Sat, 09 Aug 2025'])
        console.log(parseDate(s)?.toISOString());`;
    const run = (tz: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
    const utc = run('UTC');
    expect(utc.trim().split('\n')).toHaveLength(4);
    expect(run('Asia/Tokyo')).toBe(utc);
    expect(run('America/Los_Angeles')).toBe(utc);
  });
});

describe('canonicalUrl', () => {
  it('drops tracking parameters and fragments, keeps the rest', () => {
    expect(canonicalUrl('HTTPS://News.Example:443/a/b?utm_source=rss&utm_medium=x&id=7&fbclid=zz#top')).toBe(
      'https://news.example/a/b?id=7',
    );
    expect(canonicalUrl('/rel/path?utm_campaign=1', 'https://x.example/feed/')).toBe(
      'https://x.example/rel/path',
    );
    expect(canonicalUrl('javascript:alert(1)')).toBeUndefined();
  });
});

describe('htmlToText', () => {
  it('keeps paragraphs and decodes entities', () => {
    expect(
      htmlToText('<p>Hello&nbsp;<a href="#">world</a>.</p>\n<p>Caf&eacute; &#8220;x&#8221; &#146;</p>'),
    ).toBe('Hello world.\n\nCafé “x” ’');
  });
});

describe('discoverFeeds', () => {
  it('follows <link rel="alternate"> with feed types, resolving against <base>', () => {
    const html = `<html><head><base href="https://site.example/news/">
      <link rel="alternate" type="application/rss+xml" title="RSS" href="feed.xml">
      <link rel="alternate" type="application/atom+xml" href="https://site.example/atom">
      <link rel="alternate" type="application/feed+json" href="/feed.json">
      <link rel="alternate" type="application/json+oembed" href="/oembed">
      <link rel="alternate" hreflang="fr" href="/fr/">
      <link rel="stylesheet" href="/s.css"></head></html>`;
    expect(discoverFeeds(html, 'https://site.example/news/page')).toEqual([
      'https://site.example/news/feed.xml',
      'https://site.example/atom',
      'https://site.example/feed.json',
    ]);
  });
});

describe('OPML', () => {
  it('reads nested outlines and round-trips', () => {
    const text = `<?xml version="1.0"?><opml version="1.0"><head><title>x</title></head><body>
      <outline text="News"><outline text="A &amp; B" type="rss" xmlUrl="https://a.example/rss"/>
      <outline text="Deep"><outline title="C" xmlUrl="https://c.example/atom"/></outline></outline>
      <outline text="folder only"/><outline text="dup" xmlUrl="https://a.example/rss"/></body></opml>`;
    const feeds = parseOpml(text);
    expect(feeds).toEqual([
      { url: 'https://a.example/rss', title: 'A & B' },
      { url: 'https://c.example/atom', title: 'C' },
    ]);
    expect(parseOpml(toOpml('My <channel>', feeds))).toEqual(feeds);
  });
  it('cleans outline titles as feed titles: bidi controls gone, cut at 200 characters', () => {
    const long = Array.from({ length: 400 }, (_, i) => `Word${i}`).join(' ');
    const text = `<opml version="1.0"><body>
      <outline title="Daily News \u202Elmx.sser/moc.swen-eurt//:sptth" xmlUrl="https://a.example/rss"/>
      <outline title="${long}" xmlUrl="https://b.example/rss"/></body></opml>`;
    const [bidi, longest] = parseOpml(text);
    expect(bidi!.title).toBe('Daily News lmx.sser/moc.swen-eurt//:sptth');
    expect(longest!.title!.length).toBeLessThanOrEqual(201);
    expect(longest!.title).toMatch(/^Word0 Word1 .* Word\d+…$/);
  });
  it('names a feed by its outline text when the title is empty', () => {
    expect(
      parseOpml(
        '<opml><body><outline title=" " text="Texty" xmlUrl="https://a.example/feed"/></body></opml>',
      ),
    ).toEqual([{ url: 'https://a.example/feed', title: 'Texty' }]);
  });

  it('reads feed: outline addresses as the web addresses they wrap', () => {
    const unusable: string[] = [];
    const text = `<opml version="1.0"><body>
      <outline text="A" xmlUrl="feed://a.example/rss"/>
      <outline text="B" xmlUrl="feed:https://b.example/atom"/>
      <outline text="C" xmlUrl="FEED://c.example/rss"/>
      <outline text="D" xmlUrl="feed:ftp://d.example/rss"/></body></opml>`;
    expect(parseOpml(text, unusable).map((f) => f.url)).toEqual([
      'http://a.example/rss',
      'https://b.example/atom',
      'http://c.example/rss',
    ]);
    expect(unusable).toEqual(['feed:ftp://d.example/rss']);
  });

  it('rejects non-OPML clearly', () => {
    expect(() => parseOpml('<html><body></body></html>')).toThrow(/not OPML/);
    expect(() => parseOpml('garbage')).toThrow(/not OPML/);
  });
});

describe('articleKey', () => {
  it('names an article by its numbered slug, whatever section its path files it under', () => {
    const same = [
      [
        'https://www.marlow-post.example/articles/harbour-court-curbs-ferry-lawsuits-ca193efb',
        'https://marlow-post.example/us-news/law/harbour-court-curbs-ferry-lawsuits-ca193efb',
      ],
      [
        'https://news.example/news/world/live-blog/quay-storm-live-updates-rcna125648',
        'https://news.example/news/world/blog/quay-storm-live-updates-rcna125648',
      ],
      [
        'https://radio.example/radio/current/harbour-aid-groups-fighting-1.7032910',
        'https://radio.example/news/world/harbour-aid-groups-fighting-1.7032910',
      ],
      [
        'https://paper.example/article/quay-floods-again-this-week-5534748',
        'https://paper.example/quay/quay-floods-again-this-week-5534748.html',
      ],
      [
        'https://times.example/india/marlow-quay-reopens-after-long-repairs/articleshow/105340277.cms',
        'https://times.example/city/marlow/marlow-quay-reopens-after-long-repairs/articleshow/105340277.cms',
      ],
    ];
    for (const [a, b] of same) {
      expect(articleKey(a!), a).toBeDefined();
      expect(articleKey(a!)).toBe(articleKey(b!));
    }
    // The same slug with another article number is another article.
    expect(
      articleKey(
        'https://times.example/india/marlow-quay-reopens-after-long-repairs/articleshow/105340278.cms',
      ),
    ).not.toBe(articleKey(same[4]![0]!));
  });

  it('gives no key to a slug without an article number, which a daily or weekly page reuses', () => {
    for (const url of [
      'https://paper.example/world/2023/11/17/harbour-storm-quay-news-marlow',
      'https://paper.example/artanddesign/gallery/2023/nov/17/the-week-around-the-world-in-20-pictures',
      'https://paper.example/category/national/marlow-readies-renewed-harbour-museum',
      'https://paper.example/articleshow/105299928.cms',
      'https://paper.example/node/2412151/middle-east',
      'https://paper.example/quay-news/articleshow/105299928.cms',
      'https://paper.example/quay-2024',
      'https://paper.example/',
      'not a url',
    ])
      expect(articleKey(url), url).toBeUndefined();
  });

  it('gives an item filed under a second path the id it was first seen by, as an alternate', async () => {
    const f = await parseFeed(
      wrap(
        '<item><title>Court curbs ferry lawsuits</title><link>https://site.example/articles/harbour-court-curbs-ferry-lawsuits-ca193efb</link></item>' +
          '<item><title>A federal court curbed ferry lawsuits.</title><link>https://site.example/us-news/law/harbour-court-curbs-ferry-lawsuits-ca193efb</link></item>' +
          '<item><title>Quay reopens</title><link>https://site.example/quay-reopens</link></item>',
      ),
    );
    const [first, second, third] = f.items;
    expect(first!.id).not.toBe(second!.id);
    expect(first!.altIds).toEqual(second!.altIds);
    expect(first!.altIds).toHaveLength(1);
    expect(third!.altIds).toBeUndefined();
  });
});
