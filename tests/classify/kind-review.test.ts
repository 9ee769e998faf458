import { describe, expect, it } from 'vitest';
import { classifyItemKind } from '../../src/classify/index.js';

describe('reviews named in the headline', () => {
  it('classes a review as opinion wherever its label stands', () => {
    for (const title of [
      'The Lantern Keeper review – a slow-burning lighthouse drama that earns its ending',
      "'The Lantern Keeper' Review: Light at the End of the Pier",
      '‘The Lantern Keeper’ Review: A Quiet Triumph',
      'Film review: The Lantern Keeper finds beauty in routine',
      'The Lantern Keeper, review: a handsome but hollow period piece',
      'Harbour Lights: Songs for the Night Shift review | our folk album of the month',
      'The Quayside Grill, Halden: ‘Worth the ferry ride’ – restaurant review',
      'The week in theatre: The Lantern Keeper; Tidewater – review',
      'Northern Quay album review - brisk, bright and over too soon',
    ])
      expect(classifyItemKind({ title }), title).toBe('opinion');
  });

  it('keeps news about reviews as reports', () => {
    for (const title of [
      'Harbour authority orders safety review of northern quay',
      'Ministry to Review Ferry Subsidies After Quay Closure',
      'Ferry inspection review: key findings at a glance',
      'Quay closure under review, minister says',
      'Scientists say peer review is slowing ferry-safety research',
      'Port watchdog clears booking sites over fake reviews',
    ])
      expect(classifyItemKind({ title }), title).toBe('report');
  });
});

describe('advocacy paths', () => {
  it('reads a news site’s campaign section as election news', () => {
    expect(
      classifyItemKind({ url: 'https://example.com/homenews/campaign/123-governor-endorses-senator' }),
    ).toBe('report');
    expect(classifyItemKind({ url: 'https://example.com/politics/campaign/mayor-race-tightens' })).toBe(
      'report',
    );
  });

  it('still reads campaign, action and petition pages as advocacy', () => {
    expect(classifyItemKind({ url: 'https://example.org/campaigns/save-the-quay' })).toBe('advocacy');
    expect(classifyItemKind({ url: 'https://example.org/en/campaign/protect-the-harbour' })).toBe('advocacy');
    expect(classifyItemKind({ url: 'https://example.org/usa/campaigns/clean-ports' })).toBe('advocacy');
    expect(classifyItemKind({ url: 'https://example.org/action/write-to-your-mp' })).toBe('advocacy');
    expect(classifyItemKind({ url: 'https://example.org/en/get-involved/take-action/quay' })).toBe(
      'advocacy',
    );
    expect(classifyItemKind({ url: 'https://example.org/news/petitions/keep-the-ferry' })).toBe('advocacy');
  });
});
