/** Parses once through a pool and never closes it: the process must still exit on its own. */
import { ParsePool } from '../../../src/ingest/parse-pool.js';

const pool = new ParsePool({ size: 1 });
const feed = await pool.parse(
  Buffer.from(
    '<rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://i.example/a</link></item>' +
      '<item><title>B</title><link>https://i.example/b</link></item></channel></rss>',
  ),
);
console.log(`parsed ${feed.items.length} items`);
