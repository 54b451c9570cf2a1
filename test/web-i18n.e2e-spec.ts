import { en } from '../web/src/i18n/en.js';
import { fr } from '../web/src/i18n/fr.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the web client speaks French wherever it speaks English', () => {
  it('has every English message in French, with the same placeholders', () => {
    const missing = Object.keys(en).filter((key) => !(key in fr));
    expect(missing).toEqual([]);
    const mismatched = Object.entries(en)
      .filter(([key, text]) => {
        const french = (fr as Record<string, string>)[key];
        return JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders(french));
      })
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  it('translates rather than copies: French differs from English in most messages', () => {
    const same = Object.entries(en).filter(([key, text]) => (fr as Record<string, string>)[key] === text);
    // Names and codes read the same in both (Convene, Questions, Email…): a handful, not a page.
    expect(same.length).toBeLessThan(Object.keys(en).length / 10);
  });
});
