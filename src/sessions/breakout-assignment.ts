/**
 * Automatic breakout groups for a live session: the attendees are split into a chosen number of
 * groups that mix ministries first and countries second, as much as the attendees allow.
 *
 * Guarantee, for n attendees from M distinct ministries split into k groups:
 * - Every attendee is in exactly one of the k groups; group sizes are ⌊n/k⌋ or ⌈n/k⌉.
 * - Each ministry with c attendees puts ⌊c/k⌋ or ⌈c/k⌉ of them in every group. So no group holds
 *   two people of one ministry unless that ministry has more than k attendees.
 * - Let B be the number of ministries with at least k attendees and S the number of attendees
 *   from the other ministries. Every group covers B + ⌊S/k⌋ or B + ⌈S/k⌉ distinct ministries.
 *   This is the best possible: no split of the same attendees into k groups, balanced or not,
 *   covers more ministries in total or in its least-covered group. Hence, whenever some split
 *   into groups of ⌊n/k⌋ or ⌈n/k⌉ lets every group cover min(its size, M) ministries, this one
 *   does too.
 * - Countries get the same guarantees at the same time: each country with d attendees puts ⌊d/k⌋
 *   or ⌈d/k⌉ of them in every group, and every group covers B' + ⌊S'/k⌋ or B' + ⌈S'/k⌉ distinct
 *   countries (B' and S' defined as above, for countries), which is again the best possible.
 *   The attendees of one ministry from one country are spread the same way. Countries never cost
 *   a ministry guarantee: all of these hold together.
 * - The same input always gives the same groups, and reordering the input changes nothing (as
 *   long as ids are unique): attendees are ordered by ministry, country and id before placing.
 *
 * Why this is the best possible: a ministry with c attendees can appear in at most min(c, k)
 * groups, so in any split the coverage summed over the groups is at most Σ min(c, k) = Bk + S,
 * and the least-covered group covers at most ⌊(Bk + S)/k⌋ = B + ⌊S/k⌋. The split made here
 * reaches both. If some split into groups of ⌊n/k⌋ or ⌈n/k⌉ lets every group cover
 * min(size, M), then Σ min(size, M) ≤ Bk + S over those sizes, which are the sizes here too;
 * here the coverages sum to Bk + S and none exceeds min(size, M), so each equals it.
 *
 * How it is achieved: the groups are filled one after another. Call the "tracked sets" all
 * attendees, each ministry, each country, each ministry–country pair, the attendees of ministries
 * with fewer than k attendees together, and those of countries with fewer than k attendees
 * together. With k' groups still to fill and r members of a tracked set still unassigned, the
 * next group takes ⌊r/k'⌋ or ⌈r/k'⌉ of them. The tracked sets nest into two trees (ministry side,
 * country side) joined by the ministry–country pairs, so choosing a group is a flow with lower and
 * upper bounds from source through the ministry tree and the pairs to the country tree. Taking
 * exactly r/k' of everything is a fractional solution, so an integral one exists (integral flow
 * theorem) and a max-flow finds it. Taking ⌊r/k'⌋ or ⌈r/k'⌉ leaves between ⌊c/k⌋·(k'-1) and
 * ⌈c/k⌉·(k'-1) for the others, so every group ends up with ⌊c/k⌋ or ⌈c/k⌉ of each tracked set of
 * initial size c. A ministry with fewer than k attendees then has at most one person per group
 * and larger ones are in every group, so a group covers B plus its share of the S attendees,
 * which is ⌊S/k⌋ or ⌈S/k⌉. Countries likewise. The cost is one small max-flow per group (a node
 * per ministry and per country, an edge per ministry–country pair): tens of milliseconds for
 * thousands of attendees.
 */

/** Someone to place in a breakout group: who they are, their ministry and their country (codes). */
export interface BreakoutAttendee {
  id: string;
  ministry: string;
  country: string;
}

/**
 * Splits attendees into `groupCount` groups that mix ministries first and countries second (see
 * the module comment for the exact guarantee). Returns exactly `groupCount` groups, each attendee
 * in exactly one of them, and leaves the input untouched. The result does not depend on the order
 * of the input. Groups are empty only when there are no attendees.
 *
 * @throws RangeError when `groupCount` is not a positive integer, or exceeds the number of
 *   attendees (when there are any).
 */
export function assignBreakouts<T extends BreakoutAttendee>(attendees: readonly T[], groupCount: number): T[][] {
  if (!Number.isInteger(groupCount) || groupCount < 1) {
    throw new RangeError(`groupCount must be a positive integer, got ${groupCount}`);
  }
  if (attendees.length > 0 && groupCount > attendees.length) {
    throw new RangeError(
      `Cannot split ${attendees.length} attendee(s) into ${groupCount} groups: there would be empty groups`,
    );
  }
  const k = groupCount;
  const groups: T[][] = Array.from({ length: k }, () => []);
  if (attendees.length === 0) return groups;

  // Ministry, then country, then id; the sort is stable, so identical ids keep their input order.
  const sorted = [...attendees].sort(
    (a, b) => compare(a.ministry, b.ministry) || compare(a.country, b.country) || compare(a.id, b.id),
  );
  const ministryIndex = indexOf(sorted.map((a) => a.ministry));
  const countryIndex = indexOf(sorted.map((a) => a.country));

  // Ministry–country pairs: consecutive runs of the sorted list, each a queue of its members.
  const cells: { ministry: number; country: number; members: T[]; next: number }[] = [];
  for (const attendee of sorted) {
    const last = cells.at(-1);
    if (last && last.members[0].ministry === attendee.ministry && last.members[0].country === attendee.country) {
      last.members.push(attendee);
    } else {
      const ministry = ministryIndex.get(attendee.ministry)!;
      const country = countryIndex.get(attendee.country)!;
      cells.push({ ministry, country, members: [attendee], next: 0 });
    }
  }
  const ministryCount = ministryIndex.size;
  const countryCount = countryIndex.size;
  const ministrySize = new Array<number>(ministryCount).fill(0);
  const countrySize = new Array<number>(countryCount).fill(0);
  for (const cell of cells) {
    ministrySize[cell.ministry] += cell.members.length;
    countrySize[cell.country] += cell.members.length;
  }
  const smallMinistry = ministrySize.map((size) => size < k);
  const smallCountry = countrySize.map((size) => size < k);

  // Nodes: source, sink, the two "fewer than k" unions, then ministries, then countries.
  const SOURCE = 0;
  const SINK = 1;
  const SMALL_MINISTRIES = 2;
  const SMALL_COUNTRIES = 3;
  const ministryNode = (m: number) => 4 + m;
  const countryNode = (c: number) => 4 + ministryCount + c;
  const nodeCount = 4 + ministryCount + countryCount;

  for (let g = 0; g < k; g++) {
    const groupsLeft = k - g;
    const share = (remaining: number): [number, number] => [
      Math.floor(remaining / groupsLeft),
      Math.ceil(remaining / groupsLeft),
    ];
    const ministryLeft = new Array<number>(ministryCount).fill(0);
    const countryLeft = new Array<number>(countryCount).fill(0);
    let total = 0;
    for (const cell of cells) {
      const left = cell.members.length - cell.next;
      ministryLeft[cell.ministry] += left;
      countryLeft[cell.country] += left;
      total += left;
    }
    const sumWhere = (values: number[], keep: boolean[]) => values.reduce((sum, v, i) => (keep[i] ? sum + v : sum), 0);

    const edges: BoundedEdge[] = [
      { from: SINK, to: SOURCE, bounds: share(total) },
      { from: SOURCE, to: SMALL_MINISTRIES, bounds: share(sumWhere(ministryLeft, smallMinistry)) },
      { from: SMALL_COUNTRIES, to: SINK, bounds: share(sumWhere(countryLeft, smallCountry)) },
    ];
    ministryLeft.forEach((left, m) => {
      const from = smallMinistry[m] ? SMALL_MINISTRIES : SOURCE;
      edges.push({ from, to: ministryNode(m), bounds: share(left) });
    });
    countryLeft.forEach((left, c) => {
      const to = smallCountry[c] ? SMALL_COUNTRIES : SINK;
      edges.push({ from: countryNode(c), to, bounds: share(left) });
    });
    const firstCellEdge = edges.length;
    for (const cell of cells) {
      const left = cell.members.length - cell.next;
      edges.push({ from: ministryNode(cell.ministry), to: countryNode(cell.country), bounds: share(left) });
    }

    const flow = findCirculation(nodeCount, edges);
    cells.forEach((cell, i) => {
      const take = flow[firstCellEdge + i];
      groups[g].push(...cell.members.slice(cell.next, cell.next + take));
      cell.next += take;
    });
  }
  return groups;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Position of each distinct value in sorted order. */
function indexOf(values: string[]): Map<string, number> {
  const distinct = [...new Set(values)].sort(compare);
  return new Map(distinct.map((value, i) => [value, i]));
}

interface BoundedEdge {
  from: number;
  to: number;
  /** Least and most flow the edge may carry. */
  bounds: [number, number];
}

/**
 * An integral flow that respects every edge's bounds and is conserved at every node (the network
 * closes on itself through a sink-to-source edge). The usual reduction: send each lower bound
 * up front, then repair the imbalance it causes with a max-flow from a super source to a super
 * sink; the bounds are feasible exactly when that max-flow saturates.
 */
function findCirculation(nodeCount: number, edges: readonly BoundedEdge[]): number[] {
  const superSource = nodeCount;
  const superSink = nodeCount + 1;
  const network = new FlowNetwork(nodeCount + 2);
  const balance = new Array<number>(nodeCount).fill(0);
  const ids = edges.map(({ from, to, bounds: [low, high] }) => {
    balance[to] += low;
    balance[from] -= low;
    return network.addEdge(from, to, high - low);
  });
  let needed = 0;
  balance.forEach((excess, node) => {
    if (excess > 0) {
      network.addEdge(superSource, node, excess);
      needed += excess;
    } else if (excess < 0) {
      network.addEdge(node, superSink, -excess);
    }
  });
  if (network.maxFlow(superSource, superSink) !== needed) {
    // Unreachable: an even split of what is left is always a fractional solution.
    throw new Error('Breakout assignment found no feasible split');
  }
  return ids.map((id, i) => edges[i].bounds[0] + network.flowOn(id));
}

/** A residual network with Dinic's max-flow. Edge `id` and its reverse `id ^ 1` are stored side by side. */
class FlowNetwork {
  private readonly adjacency: number[][];
  private readonly target: number[] = [];
  private readonly residual: number[] = [];

  constructor(nodeCount: number) {
    this.adjacency = Array.from({ length: nodeCount }, () => []);
  }

  addEdge(from: number, to: number, capacity: number): number {
    const id = this.target.length;
    this.target.push(to, from);
    this.residual.push(capacity, 0);
    this.adjacency[from].push(id);
    this.adjacency[to].push(id + 1);
    return id;
  }

  flowOn(id: number): number {
    return this.residual[id ^ 1];
  }

  maxFlow(source: number, sink: number): number {
    let total = 0;
    for (;;) {
      const level = this.levels(source);
      if (level[sink] < 0) return total;
      const cursor = new Array<number>(this.adjacency.length).fill(0);
      let pushed: number;
      while ((pushed = this.augment(source, sink, Infinity, level, cursor)) > 0) total += pushed;
    }
  }

  private levels(source: number): number[] {
    const level = new Array<number>(this.adjacency.length).fill(-1);
    level[source] = 0;
    const queue = [source];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head];
      for (const id of this.adjacency[node]) {
        const next = this.target[id];
        if (this.residual[id] > 0 && level[next] < 0) {
          level[next] = level[node] + 1;
          queue.push(next);
        }
      }
    }
    return level;
  }

  private augment(node: number, sink: number, limit: number, level: number[], cursor: number[]): number {
    if (node === sink) return limit;
    const out = this.adjacency[node];
    for (; cursor[node] < out.length; cursor[node]++) {
      const id = out[cursor[node]];
      const next = this.target[id];
      if (this.residual[id] <= 0 || level[next] !== level[node] + 1) continue;
      const pushed = this.augment(next, sink, Math.min(limit, this.residual[id]), level, cursor);
      if (pushed > 0) {
        this.residual[id] -= pushed;
        this.residual[id ^ 1] += pushed;
        return pushed;
      }
    }
    return 0;
  }
}
