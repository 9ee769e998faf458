import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { ArticleFetcher, cleanText, extractPage } from '../../src/extract/index.js';

const paras = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `<p>Paragraph ${i}: leaders met in Geneva on Tuesday and agreed to resume talks next month, officials said.</p>`,
  ).join('');

describe('consent walls and paywalls are not the article', () => {
  const consent = `<html><head><title>Talks resume</title></head><body><div id="consent"><h2>We value your privacy</h2><p>We and our 842 partners store and/or access information on a device, such as cookies and process personal data, such as unique identifiers and standard information sent by a device for personalised advertising and content, advertising and content measurement, audience research and services development.</p><p>With your permission we and our partners may use precise geolocation data and identification through device scanning. You may click to consent to our and our 842 partners' processing as described above.</p><button>Accept all</button></div></body></html>`;
  const paywall = `<html><head><title>Talks resume</title></head><body><article><h1>Talks resume</h1><p>Leaders met in Geneva.</p><div class="paywall"><p>This article is for subscribers only. Subscribe now to get unlimited access to all our journalism, including exclusive analysis, newsletters and the daily puzzle, for just $1 a week for the first year. Already a subscriber? Log in to continue reading this story and everything else on the site.</p></div></article></body></html>`;
  const fetcherFor = (body: string) =>
    new ArticleFetcher(
      async (url) => ({ status: 200, body, finalUrl: url, contentType: 'text/html' }),
      new Keyv(),
    );

  it('does not accept a cookie-consent wall as article text', async () => {
    const r = await fetcherFor(consent).get('https://e.com/a');
    expect(r.ok).toBe(false);
  });

  it('does not accept a paywall teaser as article text', async () => {
    const r = await fetcherFor(paywall).get('https://e.com/a');
    if (r.ok) expect(r.page.text).not.toMatch(/subscribers only|Log in to continue reading/);
  });
});

describe('article text in JSON-LD only', () => {
  it('uses articleBody when the page body has no article (client-rendered page)', () => {
    const html = `<html><head><title>Talks resume</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"Talks resume","articleBody":"Leaders met in Geneva on Tuesday and agreed to resume talks next month, officials said. The agreement followed three days of negotiations between the two delegations, who had not met since the spring. A joint statement promised a new round of talks in October and an exchange of prisoners before then."}</script></head><body><div id="root"></div><footer><p>© 2025 Example News.</p></footer></body></html>`;
    expect(extractPage(html, 'https://e.com/a').text).toMatch(/^Leaders met in Geneva/);
  });
});

describe('cleanText keeps real sentences that open like boilerplate', () => {
  it.each([
    'Copyright lawsuits against AI companies multiplied this year, court records show.',
    'Loading of grain ships resumed at Odesa on Monday, the port authority said.',
    "Amazon.com — the world's largest online retailer — said on Tuesday it would cut 14,000 office jobs.",
    'Updated figures show inflation at 3.1%.',
    'Register now, officials urged voters before the deadline.',
    'The statistics office reports on the latest quarter that unemployment rose to 5%.',
    'The city has the latest curfew in the region.',
  ])('keeps %s', (line) => {
    expect(cleanText(line)).toBe(line);
  });
});

describe('cleanText drops more boilerplate', () => {
  it.each([
    'Read more: Why the talks failed last year',
    'READ MORE: Putin and Trump meet in Alaska',
    'Also read: Zelensky heads to Washington',
    'Advertisement - scroll to continue',
    'Share this article on Facebook',
  ])('drops %s', (line) => {
    expect(cleanText(`Leaders met in Geneva on Tuesday.\n\n${line}\n\nTalks resume next month.`)).toBe(
      'Leaders met in Geneva on Tuesday.\n\nTalks resume next month.',
    );
  });

  it('keeps photo captions and bylines out of the article text', () => {
    const html = `<html><body><article><h1>Talks resume</h1><p>By Jane Doe, Reuters</p><figure><img src="a.jpg"><figcaption>Leaders shake hands in Geneva on Tuesday. Photograph: John Smith/Reuters</figcaption></figure>${paras(4)}</article></body></html>`;
    const text = extractPage(html, 'https://e.com/a').text;
    expect(text).not.toMatch(/Photograph: John Smith/);
    expect(text).not.toMatch(/^By Jane Doe/m);
  });
});

describe('very long pages', () => {
  it('are read in time linear in their length, and their text is kept to its first 100,000 characters', async () => {
    const html = `<html><body><article>${Array.from({ length: 20_000 }, (_, i) => `<p>Paragraph ${i}: leaders met in Geneva on Tuesday and agreed to resume talks next month, officials said.</p>`).join('')}</article></body></html>`;
    // Every line was compared with a copy of all kept before it: quadratic, seconds for a few megabytes.
    const text = cleanText(Array.from({ length: 50_000 }, (_, i) => `Line ${i} of a long text.`).join('\n'));
    expect(text.split('\n')).toHaveLength(50_000);
    const fetched = await new ArticleFetcher(
      async (url) => ({ status: 200, body: html, finalUrl: url, contentType: 'text/html' }),
      new Keyv(),
    ).get('https://e.com/long');
    expect(fetched.ok && fetched.page.text.length).toBeLessThanOrEqual(100_000);
    expect(fetched.ok && fetched.page.text.length).toBeGreaterThan(90_000);
    expect(fetched.ok && fetched.page.text.endsWith('officials said.')).toBe(true);
  });
});
