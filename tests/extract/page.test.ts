import { describe, expect, it } from 'vitest';
import { classifyItemKind } from '../../src/classify/index.js';
import { extractPage } from '../../src/extract/index.js';

const paragraph = (s: string) => `<p>${s} ${s}</p>`;

const opinionPage = `<!doctype html><html><head>
<title>Why the deal is a mistake | The Daily</title>
<link rel="canonical" href="/opinion/2025/08/deal-mistake">
<meta property="og:title" content="Why the deal is a mistake">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
  {"@type":"WebSite","name":"The Daily"},
  {"@type":["OpinionNewsArticle"],"headline":"Why the deal is a mistake","datePublished":"2025-08-17T10:00:00-04:00",
   "author":[{"@type":"Person","name":"Jane Roe"}],"articleSection":"Opinion"}]}</script>
<script type="application/ld+json">{ broken json </script>
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/opinion">Opinion</a></nav>
<article>
<h1>Why the deal is a mistake</h1>
${paragraph('The proposed security deal is a serious mistake, and Congress should reject it before it is too late.')}
<p>Story continues below this ad</p>
<h2>What went wrong</h2>
${paragraph('Negotiators gave away far too much in return for vague promises that nobody outside the Kremlin can check.')}
${paragraph('We have seen this before, in 2014 and in 2022, and each time the result was more war rather than less.')}
<p>Follow us for more news at example.com</p>
</article>
<footer>© 2025 The Daily. All rights reserved.</footer>
</body></html>`;

describe('extractPage', () => {
  it('reads JSON-LD type, section, date, author, title and the canonical link', () => {
    const page = extractPage(opinionPage, 'https://example.com/2025/08/17/deal?utm_source=feed');
    expect(page.pageType).toBe('OpinionNewsArticle');
    expect(page.section).toBe('Opinion');
    expect(page.title).toBe('Why the deal is a mistake');
    expect(page.canonicalUrl).toBe('https://example.com/opinion/2025/08/deal-mistake');
    expect(page.publishedAt).toBe('2025-08-17T14:00:00.000Z');
    expect(page.byline).toBe('Jane Roe');
    expect(classifyItemKind(page)).toBe('opinion');
  });

  it('extracts the main text as paragraphs without navigation, ads or footer', () => {
    const page = extractPage(opinionPage, 'https://example.com/2025/08/17/deal');
    const paragraphs = page.text.split('\n\n');
    expect(paragraphs[0]).toMatch(/^The proposed security deal is a serious mistake/);
    expect(paragraphs).toContain('What went wrong');
    expect(page.text).toMatch(/We have seen this before, in 2014/);
    for (const junk of ['Home', 'Story continues', 'Follow us', '©', 'All rights reserved']) {
      expect(page.text).not.toContain(junk);
    }
  });

  it('prefers meta article:section and og:url, and reads a plain NewsArticle', () => {
    const html = `<html><head>
      <meta property="article:section" content="Analysis">
      <meta property="og:url" content="https://news.example.org/analysis/alaska">
      <meta property="article:published_time" content="2025-08-16T08:30:00Z">
      <script type="application/ld+json">[{"@type":"Organization","name":"X"},{"@type":"NewsArticle","headline":"Alaska summit","articleSection":["World"]}]</script>
      </head><body><article>${paragraph('Putin and Trump met in Alaska on Friday for nearly three hours of talks at a military base.')}</article></body></html>`;
    const page = extractPage(html, 'https://news.example.org/a?id=1');
    expect(page).toMatchObject({
      pageType: 'NewsArticle',
      section: 'Analysis',
      canonicalUrl: 'https://news.example.org/analysis/alaska',
      publishedAt: '2025-08-16T08:30:00.000Z',
      title: 'Alaska summit',
    });
    expect(page.text).toMatch(/^Putin and Trump met in Alaska/);
  });

  it('copes with fragments, plain text and missing metadata', () => {
    expect(extractPage('<p>Short.</p>', 'https://example.com/a').text).toBe('Short.');
    expect(extractPage('not html at all', 'https://example.com/a').text).toBe('not html at all');
    const bare = extractPage('', 'https://example.com/a');
    expect(bare.text).toBe('');
    expect(bare.pageType).toBeUndefined();
    expect(
      extractPage(
        '<html><head><link rel="canonical" href="javascript:alert(1)"></head><body></body></html>',
        'https://e.com/',
      ).canonicalUrl,
    ).toBeUndefined();
  });

  it('reads an article a page builds with scripts from its <noscript> copy, without the rest of the page', () => {
    const page = `<!doctype html><html><head><title>Dam breaks upstream of Marlow | The Daily</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div id="app">Loading…</div>
<noscript><img src="https://pixel.example/t.gif" alt=""></noscript>
<noscript><article><h1>Dam breaks upstream of Marlow</h1>
${paragraph('The Lindow dam broke early on Tuesday and flood water reached the outskirts of Marlow within two hours.')}
${paragraph('About 1,200 residents were moved to schools on higher ground, the county emergency office said.')}
<p>Story continues below this ad</p>
</article></noscript>
<script>window.app()</script>
</body></html>`;
    const text = extractPage(page, 'https://daily.example/news/dam').text;
    expect(text).toContain('The Lindow dam broke early on Tuesday');
    expect(text).toContain('About 1,200 residents were moved');
    expect(text).not.toMatch(/Loading|Home|Story continues|window\.app/);
    // A page that reads without scripts keeps its own text: a <noscript> line is not taken instead.
    const plain = extractPage(
      `<html><body><article>${paragraph('The Lindow dam held through the night, and the county lifted its flood warning on Wednesday morning after the river fell.')}</article><noscript><p>${'Please turn on JavaScript to see comments on this story. '.repeat(6)}</p></noscript></body></html>`,
      'https://daily.example/news/dam-held',
    ).text;
    expect(plain).toContain('The Lindow dam held');
    expect(plain).not.toContain('JavaScript');
  });
});
