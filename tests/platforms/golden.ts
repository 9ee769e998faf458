import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const GOLDEN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'golden');

/** JSON as stored in goldens: invisible characters written as escapes so a review can see them. */
export function goldenJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/[\u00ad\u200b-\u200d\u2060]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Compares with tests/platforms/golden/<name>; with UPDATE_GOLDEN=1 writes it instead. */
export function expectGolden(name: string, actual: string): void {
  const file = resolve(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file))
    throw new Error(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 to write it`);
  expect(actual, `differs from golden/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(file, 'utf8'),
  );
}
