import { describe, expect, it } from 'vitest';
import { analyseItem } from '../../src/digest/analyse.js';
import { opensWithPronoun } from '../../src/digest/facts.js';
import {
  isComplete,
  isPhotoCaption,
  tidyPunctuation,
  withoutDateline,
  withoutLeadingConnective,
  withoutPicturePointers,
} from '../../src/digest/text.js';
import { isBoilerplate } from '../../src/extract/clean.js';
import type { Item } from '../../src/model.js';

const PUBLISHED = '2024-03-05T12:00:00Z';

function item(description: string, title = 'Harbour authority reopens the northern quay'): Item {
  return {
    id: 'x',
    title,
    description,
    source: 'Example Wire',
    publishedAt: PUBLISHED,
    url: 'https://example.com/news/quay',
  };
}

/** The sentences of an item that the digest may list as reported facts. */
function reported(description: string): string[] {
  return analyseItem(item(description))
    .sections.flatMap((s) => s.units)
    .filter((u) => u.reported)
    .map((u) => u.text);
}

describe('truncated excerpts', () => {
  it('takes a sentence ending or starting with an ellipsis for an excerpt, not a finished sentence', () => {
    expect(
      isComplete('The harbour authority reopened the northern quay on Tuesday after repairs to the…'),
    ).toBe(false);
    expect(
      isComplete('The harbour authority reopened the northern quay on Tuesday after repairs to the...'),
    ).toBe(false);
    expect(isComplete('The harbour authority reopened the northern quay on Tuesday after repairs […]')).toBe(
      false,
    );
    expect(
      isComplete('The harbour authority reopened the northern quay on Tuesday after repairs [...]'),
    ).toBe(false);
    expect(isComplete('“The harbour authority reopened the quay on Tuesday after …”')).toBe(false);
    expect(isComplete('… reopened the northern quay on Tuesday after two months of repairs.')).toBe(false);
    expect(isComplete('[...] reopened the northern quay on Tuesday after two months of repairs.')).toBe(
      false,
    );
  });

  it('keeps a sentence with an ellipsis inside it', () => {
    expect(isComplete('The crane lifted the hull, paused … and then set it down on the quay.')).toBe(true);
    expect(isComplete('“We waited... and waited,” the harbour master said on Tuesday.')).toBe(true);
    expect(isComplete('The harbour authority reopened the northern quay on Tuesday.')).toBe(true);
  });

  it('lists no truncated excerpt among the reported facts', () => {
    const facts = reported(
      'The harbour authority reopened the northern quay on Tuesday after two months of repairs. ' +
        'Ferry operators said the first crossings would resume on Thursday morning once the port…',
    );
    expect(facts).toEqual([
      'The harbour authority reopened the northern quay on Tuesday after two months of repairs.',
    ]);
  });
});

describe('photo captions', () => {
  it('recognises captions: present tense and the date the picture was taken', () => {
    for (const caption of [
      'Port director Mara Quill speaks at a news conference in Halden, Norway, on Feb. 2, 2024.',
      'Transport minister Ivo Brandt departs the ministry building in Oslo on Jan. 30, 2024.',
      'Dock workers stand beside a stalled crane at the northern quay in Halden on Feb. 12, 2024.',
      'A ferry is seen leaving the harbour in Halden, Norway, on Nov. 8, 2023.',
      'The harbour master pictured on a tour of the repaired quay in Halden on Feb. 28, 2024.',
      'A closed gate at the northern quay in Halden, Norway, on Feb. 14, 2024.',
      // A participle before its noun describes it; the clause has no other verb, or a present one.
      'The flooded ticket office of the ferry company in Halden, Norway, on Feb. 17, 2024.',
      'Rows of terraced houses are pictured in Halden, backdropped by the harbour cranes, on July 6, 2020.',
      // Captions that say so, dated or not; a date written without its space.
      'In this photograph taken near the quay, damaged cranes are seen from the terminal on Feb. 16, 2024.',
      'A ferry is seen leaving the harbour in a file photograph.',
      'A harbour patrol boat off the northern quay in an undated photo.',
      'File photo of the northern quay before the storm.',
      'In the photo, the harbour master is seen smiling with the repaired quay behind him.',
      'Dock workers gather at the northern quay in Halden on Feb.12, 2024.',
    ])
      expect(isPhotoCaption(caption, PUBLISHED), caption).toBe(true);
  });

  it('keeps reports, including present-tense ones, and dates inside noun phrases or in the future', () => {
    for (const report of [
      'Port director Mara Quill announced the reopening at a news conference on Feb. 2, 2024.',
      'The quay was closed after a storm damaged its pilings on Jan. 3, 2024.',
      'The ferry company says crossings will resume on March 7, 2024.',
      'The inquiry covers the Jan. 3, 2024, storm that closed the quay.',
      'The hearing begins in Halden on April 9, 2024.',
      'The minister faces questions about the Jan. 3, 2024 closure in parliament.',
      'Dock workers stand beside a stalled crane at the northern quay in Halden.',
      'Hundreds of displaced workers left Halden on Feb. 2, 2024.',
      'Rows of terraced houses were demolished in Halden on July 6, 2020.',
      'The photographer said his files were seized at the quay on Feb. 2, 2024.',
      'Police released a file photo of the missing harbour pilot.',
      'Police released an undated photo of the missing harbour pilot on Tuesday.',
      'In the picture painted by the minister, the quay reopens within weeks.',
    ])
      expect(isPhotoCaption(report, PUBLISHED), report).toBe(false);
  });

  it('lists no caption among the reported facts', () => {
    const facts = reported(
      'Transport minister Ivo Brandt departs the ministry building in Oslo on Jan. 30, 2024. ' +
        'The harbour authority reopened the northern quay on Tuesday after two months of repairs.',
    );
    expect(facts).toEqual([
      'The harbour authority reopened the northern quay on Tuesday after two months of repairs.',
    ]);
  });
});

describe('pointers at pictures', () => {
  it('leaves out "(pictured)", "(left)" and ", pictured," from a sentence, and keeps other brackets', () => {
    expect(withoutPicturePointers('Port director Mara Quill (pictured) reopened the quay.')).toBe(
      'Port director Mara Quill reopened the quay.',
    );
    expect(withoutPicturePointers("Ivo Brandt's (pictured left) ministry paid for the repairs.")).toBe(
      "Ivo Brandt's ministry paid for the repairs.",
    );
    expect(withoutPicturePointers('Quill and Brandt (left to right) cut the ribbon.')).toBe(
      'Quill and Brandt cut the ribbon.',
    );
    expect(withoutPicturePointers('The dock workers, pictured, voted to end the strike.')).toBe(
      'The dock workers voted to end the strike.',
    );
    expect(
      withoutPicturePointers('The Norwegian Coastal Administration (NCA) approved the work (right away).'),
    ).toBe('The Norwegian Coastal Administration (NCA) approved the work (right away).');
  });

  it('lists facts without them', () => {
    const facts = reported(
      'Port director Mara Quill (pictured) said the northern quay reopened on Tuesday after two months of repairs.',
    );
    expect(facts).toEqual([
      'Port director Mara Quill said the northern quay reopened on Tuesday after two months of repairs.',
    ]);
  });
});

describe('boilerplate sentences', () => {
  it('recognises newsletter chrome, placeholders, links and live-blog prompts', () => {
    for (const s of [
      "Welcome to the Example Wire's Ports & Shipping newsletter {beacon} Ports The Big Story The quay reopens.",
      '{promo} Evening Briefing It is Tuesday and the quay is open again.',
      'More details: https://t.co/AbCdEf123 pic.twitter.com/XyZ987 — Port of Halden (@halden) March 5, 2024',
      'As the repairs enter their second month, follow here for all the latest updates.',
      'Follow our coverage for live updates on the reopening of the northern quay.',
      'This is Harbour Notes, the newsletter about ships, ports and the people who run them.',
      'Watch as the first ferry in two months docks at the northern quay in Halden.',
      'Here are some of the questions and answers about the reopening of the quay.',
      'Harbour Notes’ Mara Quill has the details.',
      'In this week’s newsletter: Ferries are loaded with symbolism, from class to trade.',
      'Also in this newsletter: Why ferry passengers and dockers are arguing over the new quay.',
      'Also in today’s newsletter, the port’s owners weigh a sale of the ferry line.',
      'Notre newsletter quotidienne sur les ports et les ferries.',
      'From the quay’s reopening to the ferry strike, here are a few highlights from our recent reporting.',
      'Harbour TV takes a look back at the most dramatic moments of the repairs.',
      'A port historian breaks down where the new film about the quay hews close to history.',
      'As ferry fares reach highs, see charts and data that explain why the crossing costs more.',
    ])
      expect(isBoilerplate(s), s).toBe(true);
  });

  it('keeps reporting that mentions the same words', () => {
    for (const s of [
      'The harbour authority reopened the northern quay on Tuesday after two months of repairs.',
      'The port said it would follow the safety review with weekly inspections.',
      'The company launched a newsletter for ferry passengers last year.',
      'Watchdogs said the repairs had cost twice the original estimate.',
      'The harbour authority has the details of every ship that docked.',
      'Talks between the port and the union broke down on Tuesday.',
    ])
      expect(isBoilerplate(s), s).toBe(false);
  });

  it('lists no boilerplate sentence among the reported facts, and keeps the facts after it', () => {
    const facts = reported(
      "Welcome to the Example Wire's Ports newsletter {beacon} Ports The Big Story Quay reopens in Halden after repairs. " +
        'The harbour authority reopened the northern quay on Tuesday after two months of repairs.',
    );
    expect(facts).toEqual([
      'The harbour authority reopened the northern quay on Tuesday after two months of repairs.',
    ]);
  });
});

describe('unresolved pronouns', () => {
  it('credits no speaker when the article never names who "he" is', () => {
    const units = analyseItem(
      item('He suggested the northern quay would reopen to ferries in March, he told reporters on Monday.'),
    ).sections.flatMap((s) => s.units);
    const unit = units.find((u) => /northern quay would reopen/.test(u.text));
    expect(unit?.reported).toBe(true);
    expect(unit?.attribution).toBeUndefined();
  });

  it('still credits a named speaker that the pronoun refers back to', () => {
    const units = analyseItem(
      item(
        'Harbour master Lena Ortiz said the quay had been closed for six weeks. ' +
          'She said the northern quay would reopen to ferries in March.',
      ),
    ).sections.flatMap((s) => s.units);
    const unit = units.find((u) => /reopen to ferries/.test(u.text));
    expect(unit?.attribution?.speaker).toBe('Lena Ortiz');
  });
});

describe('wire datelines', () => {
  it('drops the city, region and agency that open a wire report', () => {
    expect(
      withoutDateline('MARLOW, Eastshire (AP) — The harbour authority reopened the northern quay.'),
    ).toBe('The harbour authority reopened the northern quay.');
    expect(withoutDateline('(AP) — The harbour authority reopened the northern quay.')).toBe(
      'The harbour authority reopened the northern quay.',
    );
    expect(withoutDateline('PORT ELLEN: The harbour authority reopened the northern quay.')).toBe(
      'The harbour authority reopened the northern quay.',
    );
    for (const dateline of [
      'PORT ELLEN, Eastshire: ',
      'PORT ELLEN, Eastshire Islands: ',
      'PORT ELLEN 22: ',
      'PORT ELLEN 22 : ',
    ])
      expect(withoutDateline(`${dateline}The harbour authority reopened the northern quay.`), dateline).toBe(
        'The harbour authority reopened the northern quay.',
      );
  });

  it('leaves sentences that merely start with capitals or a dash alone', () => {
    for (const s of [
      'US officials — and their allies — reopened the quay.',
      'NATO: the alliance said it would respond.',
      'The harbour, the quay: both reopened on Tuesday.',
      'NATO, the alliance: it said it would respond.',
      'OK — the quay is open again.',
      'A — the first berth — reopened on Tuesday.',
    ])
      expect(withoutDateline(s)).toBe(s);
  });

  it('lists the fact without its dateline', () => {
    expect(
      reported(
        'PORT ELLEN (AP) — The harbour authority reopened the northern quay on Tuesday after repairs.',
      ),
    ).toEqual(['The harbour authority reopened the northern quay on Tuesday after repairs.']);
  });
});

describe('sentences that lean on the one before', () => {
  it('drops a connective "But", "And" or "Yet" that opens a sentence', () => {
    expect(withoutLeadingConnective('But the talks failed, and the quay stayed closed for a month.')).toBe(
      'The talks failed, and the quay stayed closed for a month.',
    );
    expect(withoutLeadingConnective('And Lena Ortiz kept the harbour office open all night.')).toBe(
      'Lena Ortiz kept the harbour office open all night.',
    );
    expect(withoutLeadingConnective('Yet eBay sellers in Marlow shipped more parcels than ever.')).toBe(
      'eBay sellers in Marlow shipped more parcels than ever.',
    );
  });

  it('leaves other openings, and a connective with too little after it, alone', () => {
    for (const s of [
      'Butler Lena Ortiz reopened the northern quay on Tuesday.',
      'Anderson Quay reopened to ferries on Tuesday morning.',
      'But not yet.',
      '"But we will reopen the quay," the harbour master said.',
      'Yesterday the harbour authority reopened the northern quay.',
    ])
      expect(withoutLeadingConnective(s)).toBe(s);
  });

  it('lists such a fact without its connective, and a pronoun it then opens on counts as one', () => {
    expect(
      reported(
        'The harbour authority closed the northern quay in March. But the ferry company reopened its office on Tuesday.',
      ),
    ).toContain('The ferry company reopened its office on Tuesday.');
    expect(
      opensWithPronoun(withoutLeadingConnective('But it only reached 20.7% of the quay traffic in 2022.')),
    ).toBe(true);
  });

  it('lists no sentence that is a relative clause cut off from its sentence', () => {
    expect(
      reported(
        'Lena Ortiz was charged with second-degree arson at the northern quay. Which carries a maximum sentence of 25 years to life.',
      ),
    ).toEqual(['Lena Ortiz was charged with second-degree arson at the northern quay.']);
  });
});

describe('spacing left by markup', () => {
  it('closes the space before punctuation and drops a doubled full stop', () => {
    expect(tidyPunctuation('Pupils rallied in London , Bristol and Marlow , calling for a ceasefire .')).toBe(
      'Pupils rallied in London, Bristol and Marlow, calling for a ceasefire.',
    );
    expect(tidyPunctuation('The shooting occurred at about 4:45 p.m..')).toBe(
      'The shooting occurred at about 4:45 p.m.',
    );
    expect(tidyPunctuation('The plane landed near a car park in Marlow. .')).toBe(
      'The plane landed near a car park in Marlow.',
    );
  });

  it('leaves an ellipsis and ordinary sentences alone', () => {
    for (const s of [
      'The campaign was in fact to tease an advert for ... a fire pit.',
      'Moscow comes after a Crimean Tatar ... again.',
      'The harbour master trailed off...',
      'The quay reopened on Tuesday, the harbour master said.',
      'He asked: "Is the quay open?"',
    ])
      expect(tidyPunctuation(s)).toBe(s);
  });

  it('lists facts without it', () => {
    expect(
      reported('The harbour authority reopened the northern quay in Marlow , Eastshire on Tuesday .'),
    ).toEqual(['The harbour authority reopened the northern quay in Marlow, Eastshire on Tuesday.']);
  });
});

describe('roundups', () => {
  it('lists no contents line of a briefing, only the lines that report something', () => {
    const briefing = (description: string) =>
      analyseItem(item(description, 'Friday Briefing'))
        .sections.flatMap((s) => s.units)
        .filter((u) => u.reported)
        .map((u) => u.text);
    expect(briefing('The search of the harbour authority’s offices in Marlow.')).toEqual([]);
    expect(briefing('Conditions for ferry crews at the northern quay in winter.')).toEqual([]);
    expect(briefing('Police searched the harbour authority’s offices in Marlow on Thursday.')).toEqual([
      'Police searched the harbour authority’s offices in Marlow on Thursday.',
    ]);
  });
});
