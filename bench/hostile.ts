/**
 * `npm run bench:hostile`: how long each stage takes on input built to stall it (the cases of
 * tests/ingest/hostile.test.ts), in milliseconds. Every case should stay in the tens of milliseconds, or about a
 * second for the page of ten thousand paragraphs, however the machine is loaded: a case in the seconds has gone
 * back to rescanning its input from every position.
 *
 *   npm run bench:hostile [-- --repeat 3]
 */
import { analyseArticle, classifySentence, splitSentences } from '../src/classify/index.js';
import { extractPage } from '../src/extract/index.js';
import { parseFeed, parseOpml } from '../src/ingest/index.js';

const at = process.argv.indexOf('--repeat');
const repeat = at > 0 ? Number(process.argv[at + 1]) : 3;
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const quietly = async (work: () => unknown) => {
  try {
    await work();
  } catch {
    // A clean rejection is as good an outcome as a parse.
  }
};
const feed = (body: string) => () => parseFeed(Buffer.from(body), { url: 'https://feed.example/rss' });
const paragraphs = Array.from(
  { length: 10_000 },
  (_, i) => `<p>The minister said plan ${i} would be delayed.</p>`,
);

const cases: [string, () => unknown][] = [
  ['feed: declaration, 32 spaces, no root', feed(`<?xml version="1.0"?>${' '.repeat(32)}x`)],
  [
    'feed: 200 KB of unclosed inline XHTML',
    feed(`<feed xmlns="http://www.w3.org/2005/Atom">${fill('<content type="xhtml"', 200_000)}</feed>`),
  ],
  ['feed: 200 KB of unclosed <rss', feed(`<rss${fill(' <rss', 200_000)}`)],
  ['feed: 200 KB of unclosed tags to balance', feed(`<rss><channel><item></x>${fill('<a ', 200_000)}`)],
  [
    'feed: 1 MB description of unclosed <p',
    feed(
      `<rss><channel><item><title>t</title><description><![CDATA[${fill('<p ', 1_000_000)}]]></description></item></channel></rss>`,
    ),
  ],
  [
    'feed: 1 MB title',
    feed(`<rss><channel><item><title>${fill('word ', 1_000_000)}</title></item></channel></rss>`),
  ],
  ['feed: 200 processing instructions, no root', feed(`${fill('<?a?>', 1000)}x`)],
  [
    'feed: 200 KB markup declaration',
    feed(
      `<rss><channel><item><title>t</title><description><!X${fill('a', 200_000)}></description></item></channel></rss>`,
    ),
  ],
  [
    'feed: 100,000 comments to repair',
    feed(`<rss><channel><title>T &amp; U &</title>${'<!---->'.repeat(100_000)}</channel></rss>`),
  ],
  ['feed: 200 KB tag name to balance', feed(`<rss><channel><item></x><a${fill('a', 200_000)}`)],
  ['feed: 200 KB of unclosed <? to balance', feed(`<rss><channel><item></x>${fill('<?', 200_000)}`)],
  [
    'feed: 50,000 open tags, 50,000 stray closes',
    feed(`<rss><channel><title>T</title></x>${'<a>'.repeat(50_000)}${'</b>'.repeat(50_000)}`),
  ],
  [
    'feed: 200 KB description of unclosed <svg>',
    feed(
      `<rss><channel><item><title>t</title><description><![CDATA[${'<svg>'.repeat(40_000)}]]></description></item></channel></rss>`,
    ),
  ],
  [
    'feed: 200 KB description of unclosed <!--',
    feed(
      `<rss><channel><item><title>t</title><description><![CDATA[${fill('<!--', 200_000)}]]></description></item></channel></rss>`,
    ),
  ],
  [
    'feed: 200 KB description of unclosed <img',
    feed(
      `<rss><channel><item><title>t</title><description><![CDATA[${fill('<img ', 200_000)}]]></description></item></channel></rss>`,
    ),
  ],
  [
    'feed: 200 KB byline of "@"',
    feed(`<rss><channel><item><title>t</title><author>${fill('@', 200_000)}</author></item></channel></rss>`),
  ],
  [
    'feed: item link of 200 KB of slashes',
    feed(
      `<rss><channel><item><title>t</title><link>https://a.example/${fill('/', 200_000)}x</link></item></channel></rss>`,
    ),
  ],
  ['opml: 400 KB of unclosed outlines', () => parseOpml(`<opml><body>${fill('<outline ', 400_000)}`)],
  ['opml: 400 KB of unclosed comments', () => parseOpml(`<opml><body>${fill('<!--', 400_000)}`)],
  [
    'opml: one 400 KB attribute name',
    () => parseOpml(`<opml><body><outline ${fill('a', 400_000)}/></body></opml>`),
  ],
  [
    'page: nested 100,000 deep',
    () => extractPage(`${'<div>'.repeat(100_000)}x${'</div>'.repeat(100_000)}`, 'https://a.example/'),
  ],
  [
    'page: 10,000 paragraphs',
    () =>
      extractPage(
        `<html><body><article>${paragraphs.join('')}</article></body></html>`,
        'https://a.example/',
      ),
  ],
  ['page: 1 MB of unclosed <a', () => extractPage(fill('<a', 1_000_000), 'https://a.example/')],
  [
    'page: 20,000 <noscript> paragraphs, no article',
    () =>
      extractPage(
        `<html><body>${`<noscript><p>${fill('word ', 250)}</p></noscript>`.repeat(20_000)}</body></html>`,
        'https://a.example/',
      ),
  ],
  ['classify: 400 KB of dots', () => splitSentences(`${fill('.', 400_000)}x`)],
  ['classify: one 100 KB word', () => classifySentence(fill('a', 100_000))],
  [
    'classify: article of 40 KB of dots',
    () => analyseArticle({ title: 't', text: `${fill('.', 40_000)} Then a sentence.` }),
  ],
];

// The tagger's model loads on first use; that is not the cases' time.
classifySentence('The model loads once.');
console.log(`case${' '.repeat(40)}ms (best of ${repeat})`);
for (const [name, work] of cases) {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeat; r++) {
    const start = performance.now();
    await quietly(work);
    best = Math.min(best, performance.now() - start);
  }
  console.log(`${name.padEnd(44)}${best.toFixed(1).padStart(8)}`);
}
