import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/extract/index.js';

describe('cleanText', () => {
  it('removes boilerplate lines and keeps content in order', () => {
    const text = [
      'Site Logo',
      'Home     World     Politics     Subscribe',
      'The Headline',
      'example.com -- Sunday, August 17, 2025, 10:28:29 AM',
      'Categories: World, Politics',
      'The Headline',
      '',
      'First paragraph of the story.',
      '',
      'Story continues below this ad',
      'Advertisement',
      'Second paragraph of the story.',
      'Expand',
      'Sign Our Petition',
      'Subscribe to our newsletter for daily updates',
      'Share this article',
      '(With inputs from agencies)',
      '',
      '10 Related Article(s):',
      '',
      'Another story about something - Some Outlet',
      '',
      'A headline cut short,...',
      '',
      'Updated very often',
      'All Opinions and Actions are (C)opyright 2025 - Example.com',
      '© 2025 Example Media. All rights reserved.',
      'Follow us for more news at Example.com',
    ].join('\n');
    expect(cleanText(text, { title: 'The Headline' })).toBe(
      'First paragraph of the story.\n\nSecond paragraph of the story.',
    );
  });

  it('cuts inline boilerplate phrases and markdown markup but keeps the sentence', () => {
    expect(cleanText('The envoy spoke to CNN. Follow us for more news at valleynewz.com')).toBe(
      'The envoy spoke to CNN.',
    );
    expect(cleanText('The ferry will not sail on Friday. Read Full Article at harbourpost.example')).toBe(
      'The ferry will not sail on Friday.',
    );
    expect(cleanText('Commuters wait at the Dock Street crossing. (Ana Lopes/AFP via Getty Images)')).toBe(
      'Commuters wait at the Dock Street crossing.',
    );
    expect(cleanText('The ferry sails at noon (AP Photo/Rui Matos)')).toBe('The ferry sails at noon');
    expect(cleanText('The council (which met on Tuesday) voted 7-2.')).toBe(
      'The council (which met on Tuesday) voted 7-2.',
    );
    expect(cleanText('1. **Stay Informed**: read [the report](https://example.com/r).')).toBe(
      '1. Stay Informed: read the report.',
    );
  });

  it('drops captions that describe a video report instead of reporting', () => {
    const text = [
      'Valley News’ Ana Lopes reports on the latest developments in the bridge closure.',
      'Our correspondent has the latest from the quay.',
      'The council voted to close the bridge on Tuesday.',
    ].join('\n');
    expect(cleanText(text)).toBe('The council voted to close the bridge on Tuesday.');
    // Reporting about reports stays.
    expect(cleanText('The inspector reports that two supports are corroded.')).toBe(
      'The inspector reports that two supports are corroded.',
    );
  });

  it('drops a live blog label in capitals and keeps the sentence after it', () => {
    expect(cleanText('VALLEY NEWS LIVE BLOG: The bridge stays closed while engineers inspect it.')).toBe(
      'The bridge stays closed while engineers inspect it.',
    );
    expect(cleanText('VALLEY NEWS LIVEBLOG: The bridge stays closed.')).toBe('The bridge stays closed.');
  });

  it('ends a related list at the first real paragraph', () => {
    const text =
      'Related stories\nOne headline\nTwo headline\nThe article goes on here with a full sentence.';
    expect(cleanText(text)).toBe('The article goes on here with a full sentence.');
  });

  it('leaves ordinary prose alone', () => {
    const prose =
      'Witkoff told CNN that Putin had agreed.\n\nHe added that any deal would depend on Ukraine.';
    expect(cleanText(prose)).toBe(prose);
    // Words that only look like menu items inside a sentence stay.
    expect(cleanText('News of the deal reached home quickly.')).toBe(
      'News of the deal reached home quickly.',
    );
  });
});
