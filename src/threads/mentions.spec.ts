import { findMentions } from './mentions.js';

const members = [
  { membershipId: 'amina', displayName: 'Amina' },
  { membershipId: 'amina-o', displayName: 'Amina Odhiambo' },
  { membershipId: 'jean', displayName: 'Jean-Paul' },
];

describe('findMentions', () => {
  it('prefers the longest display name and ignores case', () => {
    expect(findMentions('Thanks @amina odhiambo and @Jean-Paul!', members)).toEqual(['amina-o', 'jean']);
  });

  it('needs a word boundary after the name', () => {
    expect(findMentions('@Aminata said so', members)).toEqual([]);
  });

  it('does not read email addresses as mentions', () => {
    expect(findMentions('write to desk@Amina.gov', members)).toEqual([]);
  });

  it('finds only the given members, each once', () => {
    expect(findMentions('@Amina @Amina @Someone', members)).toEqual(['amina']);
  });
});
