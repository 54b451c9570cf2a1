/** A member who may be mentioned: their membership and the name others write after "@". */
export interface Mentionable {
  membershipId: string;
  displayName: string;
}

const WORD = /[\p{L}\p{N}]/u;

/**
 * The members a text mentions as "@Display Name". Names may contain spaces, so at each "@" the
 * longest display name that follows (case-insensitive, ending at a word boundary) wins. Only the
 * given candidates can match: callers pass the members of the same cohort.
 */
export function findMentions(text: string, candidates: Mentionable[]): string[] {
  const byLength = [...candidates].sort((a, b) => b.displayName.length - a.displayName.length);
  const lower = text.toLocaleLowerCase();
  const found = new Set<string>();
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && WORD.test(lower[at - 1])) continue; // an email address, not a mention
    const rest = lower.slice(at + 1);
    const match = byLength.find((candidate) => {
      const name = candidate.displayName.toLocaleLowerCase();
      return name.length > 0 && rest.startsWith(name) && !WORD.test(rest.charAt(name.length));
    });
    if (match) found.add(match.membershipId);
  }
  return [...found];
}
