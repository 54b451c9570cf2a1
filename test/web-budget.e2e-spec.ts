import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ASSETS = join(import.meta.dirname, '..', 'web', 'dist', 'assets');
/** The limit for a 3G-class connection: all of the client's JavaScript, gzipped. */
const BUDGET_BYTES = 250 * 1024;

describe('the web client stays light', () => {
  it('ships under 250 KB of JavaScript, gzipped', () => {
    // `npm test` builds the client first (`npm run build`).
    const scripts = readdirSync(ASSETS).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, name) => sum + gzipSync(readFileSync(join(ASSETS, name))).length, 0);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
  });
});
