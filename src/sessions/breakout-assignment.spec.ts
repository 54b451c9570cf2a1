import { assignBreakouts, type BreakoutAttendee } from './breakout-assignment.js';

type Key = (attendee: BreakoutAttendee) => string;
const byMinistry: Key = (a) => a.ministry;
const byCountry: Key = (a) => a.country;
const byPair: Key = (a) => `${a.ministry}/${a.country}`;

/** Attendees from "MINISTRY-COUNTRY" words, with ids a00, a01, … in the order given. */
function roster(spec: string): BreakoutAttendee[] {
  return spec
    .split(/\s+/)
    .filter(Boolean)
    .map((word, i) => {
      const [ministry, country] = word.split('-');
      return { id: `a${String(i).padStart(2, '0')}`, ministry, country };
    });
}

function tally(attendees: readonly BreakoutAttendee[], key: Key): Map<string, number> {
  const counts = new Map<string, number>();
  for (const attendee of attendees) counts.set(key(attendee), (counts.get(key(attendee)) ?? 0) + 1);
  return counts;
}

const distinct = (group: readonly BreakoutAttendee[], key: Key) => new Set(group.map(key)).size;
const sizes = (groups: BreakoutAttendee[][]) => groups.map((group) => group.length).sort((a, b) => a - b);
const coverage = (groups: BreakoutAttendee[][], key: Key) =>
  groups.map((group) => distinct(group, key)).sort((a, b) => a - b);
const ids = (groups: BreakoutAttendee[][]) => groups.map((group) => group.map((a) => a.id));

/** The documented coverage: B + ⌊S/k⌋ or B + ⌈S/k⌉, where B counts values with ≥ k attendees. */
function coverageBounds(attendees: readonly BreakoutAttendee[], k: number, key: Key): [number, number] {
  let big = 0;
  let small = 0;
  for (const count of tally(attendees, key).values()) {
    if (count >= k) big++;
    else small += count;
  }
  return [big + Math.floor(small / k), big + Math.ceil(small / k)];
}

/** Every documented guarantee that can be checked on one result; returns what is broken. */
function violations(attendees: readonly BreakoutAttendee[], k: number, groups: BreakoutAttendee[][]): string[] {
  const found: string[] = [];
  const n = attendees.length;
  if (groups.length !== k) found.push(`${groups.length} groups instead of ${k}`);
  const placed = groups.flat();
  const original = new Set(attendees);
  if (placed.length !== n || new Set(placed).size !== n || placed.some((a) => !original.has(a))) {
    found.push('attendees are not each placed exactly once');
  }
  for (const [i, group] of groups.entries()) {
    if (group.length < Math.floor(n / k) || group.length > Math.ceil(n / k)) {
      found.push(`group ${i} has ${group.length} attendees`);
    }
  }
  for (const [name, key] of [
    ['ministry', byMinistry],
    ['country', byCountry],
    ['ministry/country', byPair],
  ] as const) {
    for (const [value, total] of tally(attendees, key)) {
      for (const [i, group] of groups.entries()) {
        const here = group.filter((a) => key(a) === value).length;
        if (here < Math.floor(total / k) || here > Math.ceil(total / k)) {
          found.push(`group ${i} has ${here} of ${total} from ${name} ${value}`);
        }
        if (here > 1 && total <= k) found.push(`group ${i} holds two of ${name} ${value} (${total} ≤ ${k})`);
      }
    }
  }
  for (const [name, key] of [
    ['ministries', byMinistry],
    ['countries', byCountry],
  ] as const) {
    const [low, high] = coverageBounds(attendees, k, key);
    for (const [i, group] of groups.entries()) {
      const covered = distinct(group, key);
      if (covered < low || covered > high) found.push(`group ${i} covers ${covered} ${name}, not ${low}..${high}`);
    }
  }
  return found;
}

/** A small seeded pseudo-random generator (mulberry32), so failures can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINISTRIES = ['AGR', 'EDU', 'FIN', 'HEA', 'ICT', 'JUS', 'PLAN', 'TRA'];
const COUNTRIES = ['BJ', 'GH', 'KE', 'NG', 'RW', 'SN'];

/** Attendees with skewed ministries and countries (a few large, many small), in shuffled order. */
function randomRoster(random: () => number, n: number): BreakoutAttendee[] {
  const ministries = MINISTRIES.slice(0, 1 + Math.floor(random() * MINISTRIES.length));
  const countries = COUNTRIES.slice(0, 1 + Math.floor(random() * COUNTRIES.length));
  const pick = (values: string[]) => values[Math.floor(random() ** 2 * values.length)];
  const attendees = Array.from({ length: n }, (_, i) => ({
    id: `p${String(i).padStart(3, '0')}`,
    ministry: pick(ministries),
    country: pick(countries),
  }));
  return shuffled(attendees, random);
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/**
 * Tries every way to put the attendees into k groups and reports, for one key (ministries or
 * countries), the best total coverage, the best least-covered group, and whether some split into
 * balanced groups lets every group cover min(its size, number of values).
 */
function bruteForce(attendees: readonly BreakoutAttendee[], k: number, key: Key) {
  const values = [...new Set(attendees.map(key))];
  const bit = attendees.map((a) => 1 << values.indexOf(key(a)));
  const n = attendees.length;
  const popcount = (mask: number) => {
    let count = 0;
    for (let m = mask; m; m &= m - 1) count++;
    return count;
  };
  let bestTotal = 0;
  let bestLeast = 0;
  let everyGroupFull = false;
  const choice = new Array<number>(n).fill(0);
  for (let split = 0; split < k ** n; split++) {
    for (let i = 0, rest = split; i < n; i++, rest = Math.floor(rest / k)) choice[i] = rest % k;
    const masks = new Array<number>(k).fill(0);
    const size = new Array<number>(k).fill(0);
    choice.forEach((group, i) => {
      masks[group] |= bit[i];
      size[group]++;
    });
    const covered = masks.map(popcount);
    const total = covered.reduce((a, b) => a + b, 0);
    bestTotal = Math.max(bestTotal, total);
    bestLeast = Math.max(bestLeast, Math.min(...covered));
    const balanced = size.every((s) => s === Math.floor(n / k) || s === Math.ceil(n / k));
    if (balanced && covered.every((c, g) => c === Math.min(size[g], values.length))) everyGroupFull = true;
  }
  return { bestTotal, bestLeast, everyGroupFull, valueCount: values.length };
}

describe('assignBreakouts', () => {
  it('gives 12 attendees from 4 ministries (3 each) in 3 groups of 4 covering all 4 ministries', () => {
    const attendees = roster(`
      EDU-KE EDU-GH EDU-RW FIN-KE FIN-GH FIN-RW
      HEA-KE HEA-GH HEA-RW ICT-KE ICT-GH ICT-RW`);
    const groups = assignBreakouts(attendees, 3);
    expect(groups.map((group) => group.length)).toEqual([4, 4, 4]);
    for (const group of groups) {
      expect(group.map((a) => a.ministry).sort()).toEqual(['EDU', 'FIN', 'HEA', 'ICT']);
      expect(distinct(group, byCountry)).toBe(3);
    }
    expect(violations(attendees, 3, groups)).toEqual([]);
  });

  it('spreads an uneven cohort (5 EDU, 3 FIN, 1 ICT, 1 PLAN) as far as the numbers allow', () => {
    const attendees = roster('EDU-KE EDU-KE EDU-GH EDU-GH EDU-RW FIN-KE FIN-GH FIN-RW ICT-KE PLAN-GH');
    const groups = assignBreakouts(attendees, 3);
    expect(sizes(groups)).toEqual([3, 3, 4]);
    for (const group of groups) {
      const ministries = tally(group, byMinistry);
      expect([1, 2]).toContain(ministries.get('EDU'));
      expect(ministries.get('FIN')).toBe(1);
      expect((ministries.get('ICT') ?? 0) + (ministries.get('PLAN') ?? 0)).toBeLessThanOrEqual(1);
    }
    // EDU and FIN reach every group; ICT and PLAN only two: 3 + 3 + 1 + 1 = 8 memberships for
    // three groups, so one group can cover only 2 ministries, whatever the split.
    expect(coverage(groups, byMinistry)).toEqual([2, 3, 3]);
    expect(violations(attendees, 3, groups)).toEqual([]);
  });

  it('shares a dominant ministry evenly and gives the few others one group each', () => {
    const attendees = roster('EDU-KE EDU-KE EDU-KE EDU-GH EDU-GH EDU-GH EDU-RW EDU-RW EDU-SN FIN-KE ICT-GH HEA-RW');
    const groups = assignBreakouts(attendees, 4);
    expect(sizes(groups)).toEqual([3, 3, 3, 3]);
    expect(groups.map((group) => tally(group, byMinistry).get('EDU')).sort()).toEqual([2, 2, 2, 3]);
    expect(coverage(groups, byMinistry)).toEqual([1, 2, 2, 2]);
    expect(violations(attendees, 4, groups)).toEqual([]);
  });

  it('puts one of each ministry in every group when there are more groups than ministries', () => {
    const attendees = roster('EDU-KE EDU-GH EDU-RW FIN-KE FIN-GH FIN-RW');
    const groups = assignBreakouts(attendees, 3);
    for (const group of groups) expect(group.map((a) => a.ministry).sort()).toEqual(['EDU', 'FIN']);
    expect(coverage(groups, byCountry)).toEqual([2, 2, 2]);

    // 5 EDU cannot avoid meeting in 4 groups of 2: exactly one group is EDU only.
    const crowded = roster('EDU-KE EDU-KE EDU-GH EDU-GH EDU-RW FIN-KE FIN-GH FIN-RW');
    const crowdedGroups = assignBreakouts(crowded, 4);
    expect(sizes(crowdedGroups)).toEqual([2, 2, 2, 2]);
    expect(coverage(crowdedGroups, byMinistry)).toEqual([1, 2, 2, 2]);
    expect(violations(crowded, 4, crowdedGroups)).toEqual([]);
  });

  it('mixes countries across ministries, not only within each ministry', () => {
    const attendees = roster('EDU-KE EDU-GH FIN-KE FIN-GH');
    const groups = assignBreakouts(attendees, 2);
    for (const group of groups) {
      expect(group.map((a) => a.ministry).sort()).toEqual(['EDU', 'FIN']);
      expect(group.map((a) => a.country).sort()).toEqual(['GH', 'KE']);
    }
  });

  it('is deterministic and does not depend on the input order', () => {
    const attendees = randomRoster(seeded(7), 40);
    const first = assignBreakouts(attendees, 6);
    expect(ids(assignBreakouts(attendees, 6))).toEqual(ids(first));
    expect(ids(assignBreakouts([...attendees].reverse(), 6))).toEqual(ids(first));
    expect(ids(assignBreakouts(shuffled(attendees, seeded(8)), 6))).toEqual(ids(first));
  });

  it('does not modify its input and returns the given objects', () => {
    const attendees = roster('EDU-KE FIN-GH EDU-RW ICT-KE FIN-KE').map((a) => Object.freeze({ ...a, extra: a.id }));
    const input = Object.freeze([...attendees]);
    const snapshot = structuredClone(input);
    const groups = assignBreakouts(input, 2);
    expect(input).toEqual(snapshot);
    expect(groups.flat().every((a) => attendees.includes(a))).toBe(true);
    expect(groups.flat().map((a) => a.extra)).toHaveLength(5);
  });

  it('returns a single group, or empty groups when nobody attends', () => {
    const attendees = roster('EDU-KE FIN-GH');
    expect(assignBreakouts(attendees, 1)).toEqual([expect.arrayContaining(attendees)]);
    expect(assignBreakouts([], 3)).toEqual([[], [], []]);
  });

  it('rejects a group count that is not a positive integer or exceeds the attendees', () => {
    const attendees = roster('EDU-KE FIN-GH ICT-RW');
    for (const count of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => assignBreakouts(attendees, count)).toThrow(RangeError);
      expect(() => assignBreakouts(attendees, count)).toThrow(/positive integer/);
    }
    expect(() => assignBreakouts([], 0)).toThrow(RangeError);
    expect(() => assignBreakouts(attendees, 4)).toThrow(RangeError);
    expect(() => assignBreakouts(attendees, 4)).toThrow('Cannot split 3 attendee(s) into 4 groups');
  });

  it('keeps every documented guarantee on many random cohorts', () => {
    const random = seeded(20240611);
    for (let run = 0; run < 400; run++) {
      const n = 1 + Math.floor(random() * 60);
      const k = 1 + Math.floor(random() * Math.min(n, 12));
      const attendees = randomRoster(random, n);
      const groups = assignBreakouts(attendees, k);
      expect({ run, n, k, broken: violations(attendees, k, groups) }).toEqual({ run, n, k, broken: [] });
    }
  });

  it('matches a brute force over every split on small cohorts', () => {
    const random = seeded(42);
    let fullCoverageSeen = 0;
    let fullCoverageImpossibleSeen = 0;
    for (let run = 0; run < 150; run++) {
      const n = 1 + Math.floor(random() * 7);
      const k = 1 + Math.floor(random() * Math.min(n, 4));
      const attendees = randomRoster(random, n);
      const groups = assignBreakouts(attendees, k);
      for (const key of [byMinistry, byCountry]) {
        const best = bruteForce(attendees, k, key);
        const covered = groups.map((group) => distinct(group, key));
        const full = groups.every((group, g) => covered[g] === Math.min(group.length, best.valueCount));
        const ours = { total: covered.reduce((a, b) => a + b, 0), least: Math.min(...covered), full };
        const optimum = { total: best.bestTotal, least: best.bestLeast, full: best.everyGroupFull };
        expect({ run, attendees, k, ...ours }).toEqual({ run, attendees, k, ...optimum });
        if (best.everyGroupFull) fullCoverageSeen++;
        else fullCoverageImpossibleSeen++;
      }
    }
    expect(fullCoverageSeen).toBeGreaterThan(20);
    expect(fullCoverageImpossibleSeen).toBeGreaterThan(20);
  });

  it('handles a large session', () => {
    const attendees = randomRoster(seeded(3), 600);
    const groups = assignBreakouts(attendees, 75);
    expect(violations(attendees, 75, groups)).toEqual([]);
  });
});
