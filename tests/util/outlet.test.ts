import { describe, expect, it } from 'vitest';
import { toItem } from '../../src/commands/item-input.js';
import { outletFromUrl, publisherCount, publisherKey, publishersOf } from '../../src/util/outlet.js';

describe('outletFromUrl', () => {
  it('names the site of a feed or article address, without www. or a feed-server prefix', () => {
    expect(outletFromUrl('http://feeds.bbci.co.uk/news/rss.xml')).toBe('bbci.co.uk');
    expect(outletFromUrl('http://feeds.skynews.com/feeds/rss/world.xml')).toBe('skynews.com');
    expect(outletFromUrl('https://www.arabnews.com/rss.xml')).toBe('arabnews.com');
    expect(outletFromUrl('http://timesofindia.indiatimes.com/rssfeedstopstories.cms')).toBe(
      'timesofindia.indiatimes.com',
    );
    expect(outletFromUrl('https://rss.dw.com/rdf/rss-en-world')).toBe('dw.com');
    expect(outletFromUrl('http://127.0.0.1:8080/feed.xml')).toBe('127.0.0.1:8080');
  });

  it('keeps a host that would be left as a bare top-level domain, and refuses what is not an http(s) URL', () => {
    expect(outletFromUrl('https://rss.com/feed')).toBe('rss.com');
    expect(outletFromUrl('The Guardian')).toBeUndefined();
    expect(outletFromUrl('ftp://feeds.example.org/x')).toBeUndefined();
    expect(outletFromUrl('https://')).toBeUndefined();
    expect(outletFromUrl(undefined)).toBeUndefined();
  });
});

describe('toItem source', () => {
  const at = '2023-11-20T00:00:00.000Z';
  it('shows an outlet given as a feed address by its site, and keeps a real name as it is', () => {
    const archived = {
      id: 'a',
      title: 'T',
      outlet: 'http://feeds.bbci.co.uk/news/rss.xml',
      link: 'https://x.org/1',
    };
    expect(toItem(archived, 'line 1', at).source).toBe('bbci.co.uk');
    expect(toItem({ id: 'b', title: 'T', outlet: 'Le Monde' }, 'line 2', at).source).toBe('Le Monde');
  });

  it('falls back to the article host, then to unknown', () => {
    expect(toItem({ id: 'c', title: 'T', url: 'https://www.example.com/a' }, 'line 3', at).source).toBe(
      'example.com',
    );
    expect(toItem({ id: 'd', title: 'T', url: 'not a url' }, 'line 4', at).source).toBe('unknown');
    expect(toItem({ id: 'e', title: 'T', source: '' }, 'line 5', at).source).toBe('unknown');
  });
});

describe('publisherKey', () => {
  it("counts one publisher's several feeds once, by the registrable domain of the article link", () => {
    const canada = publisherKey('CBC | Canada News', 'https://www.cbc.ca/news/canada/doctor-1.7035416');
    const top = publisherKey('CBC | Top Stories News', 'https://www.cbc.ca/news/canada/doctor-1.7035416');
    expect(canada).toBe('cbc.ca');
    expect(top).toBe(canada);
    expect(publisherKey('BBC', 'https://www.bbc.co.uk/news/world-1')).toBe('bbc.co.uk');
    expect(publisherKey('CNN', 'https://edition.cnn.com/2023/11/20/x')).toBe('cnn.com');
    expect(
      publisherCount([
        { source: 'NYT > Top Stories', url: 'https://www.nytimes.com/2023/11/20/a.html' },
        { source: 'NY times', url: 'https://www.nytimes.com/2023/11/20/b.html' },
        { source: 'Reuters', url: 'https://www.reuters.com/world/c' },
      ]),
    ).toBe(2);
  });

  it('keeps hosted publications apart, and falls back to the source name without a usable link', () => {
    expect(publisherKey('A', 'https://alpha.substack.com/p/1')).not.toBe(
      publisherKey('B', 'https://beta.substack.com/p/2'),
    );
    expect(publisherKey('A', 'https://alpha.blogspot.com/1')).toBe('alpha.blogspot.com');
    expect(publisherKey('Local One', 'http://127.0.0.1:8080/a')).not.toBe(
      publisherKey('Local Two', 'http://127.0.0.1:8080/b'),
    );
    expect(publisherKey(' Le Monde ')).toBe(publisherKey('le monde', undefined));
    expect(publisherKey('X', 'not a url')).toBe('name:x');
  });
});

describe('publishersOf', () => {
  it('joins items that share a source name or a domain, and numbers each by its first item', () => {
    expect(
      publishersOf([
        { source: 'CBC | Canada', url: 'https://www.cbc.ca/news/a' },
        { source: 'Wall Street Journal', url: 'https://www.wsj.com/articles/b' },
        { source: 'CBC | Top Stories', url: 'https://www.cbc.ca/news/c' },
        { source: 'Wall Street Journal', url: 'https://mailer.example-send.com/t/d' },
        { source: 'Reuters', url: 'https://www.reuters.com/e' },
      ]),
    ).toEqual([0, 1, 0, 1, 4]);
  });
});
