import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  type GraphQLSchema,
  type IntrospectionQuery,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { MembershipEntity } from '../src/cohorts/membership.entity.js';
import { newCohort, newMember, newUser, type Role, type TestMember } from './harness/factories.js';
import { type GqlResponse, startTestApp, type TestApp } from './harness/test-app.js';

/**
 * The attribution scan. Members with distinctive names, ministries and countries write threads and
 * replies (mentions included), react, get a post hidden and edit one; then every kind of reader
 * collects the raw JSON of everything it can get (thread with every field, threads, search with
 * snippets, exports, the payloads of its own writes and the errors of refused ones), and the scan
 * looks for any member's name, ministry or country in it.
 *
 * - GraphQL reads, for readers the charter hides authors from: no name of another member anywhere,
 *   except inside the text an author typed (title, body, its rendering, its snippet, and the mentions
 *   it resolves to) of a post or thread this reader may read. Ministries and countries nowhere.
 * - Exports under WITHOUT_ATTRIBUTION: no name, ministry or country of any member at all, for any
 *   reader. Under ALLOWED, the visible texts are stripped and the rest is scanned as above.
 * - Controls: under NAMED (and for MEMBERs under CHATHAM_HOUSE) the same readers see the names, and
 *   facilitators always do, so the scan is not vacuous.
 * The selections are generated from the served schema, so a field added later is scanned too.
 */

type Attribution = 'NAMED' | 'CHATHAM_HOUSE' | 'ANONYMOUS';
type Sharing = 'WITHOUT_ATTRIBUTION' | 'ALLOWED';
type ReaderKey = 'member' | 'scholar' | 'observer' | 'facilitator';
type PersonKey = 'facilitator' | 'a1' | 'a2' | 'a3' | 'member' | 'scholar' | 'observer';

const SCENARIOS: [Attribution, Sharing][] = [
  ['CHATHAM_HOUSE', 'WITHOUT_ATTRIBUTION'],
  ['CHATHAM_HOUSE', 'ALLOWED'],
  ['ANONYMOUS', 'WITHOUT_ATTRIBUTION'],
  ['ANONYMOUS', 'ALLOWED'],
  ['NAMED', 'WITHOUT_ATTRIBUTION'],
  ['NAMED', 'ALLOWED'],
];
/** In this order: later readers also scan what earlier readers wrote. */
const READERS: ReaderKey[] = ['member', 'scholar', 'observer', 'facilitator'];

/** Whether the charter's attribution rule hides authors from this reader. */
const hides = (attribution: Attribution, reader: ReaderKey) =>
  reader !== 'facilitator' && (attribution === 'ANONYMOUS' || (attribution === 'CHATHAM_HOUSE' && reader !== 'member'));

/** Country codes and ministry codes that no text of this test contains, checked as whole words. */
const CAST: { key: PersonKey; role: Role; ministry: string; country: string }[] = [
  { key: 'facilitator', role: 'FACILITATOR', ministry: 'ict', country: 'LS' },
  { key: 'a1', role: 'MEMBER', ministry: 'science-technology', country: 'KZ' },
  { key: 'a2', role: 'MEMBER', ministry: 'communications', country: 'UY' },
  { key: 'a3', role: 'MEMBER', ministry: 'academia', country: 'MN' },
  { key: 'member', role: 'MEMBER', ministry: 'planning', country: 'BT' },
  { key: 'scholar', role: 'SCHOLAR', ministry: 'health', country: 'FJ' },
  { key: 'observer', role: 'OBSERVER', ministry: 'private-sector', country: 'NP' },
];
const FIRST_NAMES = ['Casimir', 'Zephyrine', 'Ottoline', 'Baltazar', 'Ysolde', 'Thaddea', 'Evander'];
const SURNAMES = ['Oberwaldt', 'Quorralt', 'Vantresk', 'Ñandúvar', 'Feldspanner', 'Drummaguire', 'Mirabolu'];
/** Makes every surname unique to its scenario. */
const SURNAME_TAGS = ['ova', 'ard', 'eth', 'ix', 'une', 'ost'];

/** Words only in bodies that are hidden, edited away or deleted: no non-facilitator may see them. */
const WITHHELD = { hidden: 'marrowfat', revision: 'quillwort', deleted: 'bramblewick' };

interface Person extends TestMember {
  key: PersonKey;
  ministry: string;
  country: string;
  firstName: string;
  surname: string;
}

/** Text an author typed, as the cohort's readers (other than facilitators) may read it now. */
interface Item {
  title?: string;
  body: string;
  /** Hidden and deleted posts are not readable to anyone but facilitators (deleted: to nobody). */
  visible: boolean;
}

interface World {
  attribution: Attribution;
  sharing: Sharing;
  cohortId: string;
  spaceId: string;
  people: Record<PersonKey, Person>;
  threads: { t1: string; t2: string };
  posts: Record<'p1' | 'p2' | 'p3' | 'p4' | 'p5' | 'p6' | 'p7' | 'p8', string>;
  /** Everything written so far, by id. */
  known: Map<string, Item>;
  originalP5: string;
}

interface Term {
  text: string;
  owner: PersonKey;
  kind: 'name' | 'ministry' | 'country';
}

interface Exposed {
  where: string;
  text: string;
  /** The author-typed text this string comes from, whose names it may repeat. */
  allowance?: string;
}

const NOT_WORD = '(?<![\\p{L}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Compatibility-normalised with whitespace collapsed, so "Name" typed with a no-break space still counts. */
const normalise = (text: string) => text.normalize('NFKC').replace(/\s+/gu, ' ');
const termPattern = (term: Term) =>
  new RegExp(`${NOT_WORD}${escapeRegExp(term.text)}${NOT_WORD_AFTER}`, term.kind === 'country' ? 'u' : 'iu');

const termsOf = (people: Person[]): Term[] =>
  people.flatMap((p) => [
    { text: p.displayName, owner: p.key, kind: 'name' as const },
    { text: p.firstName, owner: p.key, kind: 'name' as const },
    { text: p.surname, owner: p.key, kind: 'name' as const },
    { text: p.ministry, owner: p.key, kind: 'ministry' as const },
    { text: p.country, owner: p.key, kind: 'country' as const },
  ]);

interface Leak {
  where: string;
  owner: PersonKey;
  term: string;
  excerpt: string;
}

function leaksIn(exposed: Exposed[], terms: Term[]): Leak[] {
  const leaks: Leak[] = [];
  for (const e of exposed) {
    const text = normalise(e.text);
    const allowance = e.allowance === undefined ? null : normalise(e.allowance);
    for (const term of terms) {
      const pattern = termPattern(term);
      const match = pattern.exec(text);
      if (!match) continue;
      if (term.kind === 'name' && allowance !== null && pattern.test(allowance)) continue;
      const at = match.index;
      leaks.push({
        where: e.where,
        owner: term.owner,
        term: term.text,
        excerpt: text.slice(Math.max(0, at - 60), at + term.text.length + 60),
      });
    }
  }
  return leaks;
}

/** Fields that union members type differently ("body: String", "body: String!") get an alias `Type__field`. */
const ALIAS = '__';
/** The field a response key stands for, alias or not. */
const fieldKey = (key: string) => /^[A-Za-z]+__(\w+)$/.exec(key)?.[1] ?? key;

const TEXT_KEYS = new Set(['title', 'body', 'bodyHtml']);
const CURSOR_KEYS = new Set(['cursor', 'endCursor']);
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/**
 * Every string of a GraphQL response, with where it sits. A string may repeat names only when it is
 * the typed text (or its rendering, snippet or resolved mentions) of an item this reader may read;
 * author fields, revisions, errors and everything else get no allowance. Cursors are decoded.
 */
function exposedIn(label: string, response: unknown, known: Map<string, Item>): Exposed[] {
  const out: Exposed[] = [];
  const readable = (id: unknown) => {
    const item = typeof id === 'string' ? known.get(id) : undefined;
    return item?.visible ? [item.title ?? '', item.body].join('\n') : undefined;
  };
  const walk = (value: unknown, where: string, allowance: string | undefined, key: string) => {
    if (typeof value === 'string') {
      out.push({ where, text: CURSOR_KEYS.has(key) ? decodeCursor(value) : value, allowance });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${where}[${i}]`, allowance, key));
    } else if (value !== null && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      const own = readable(object.id);
      const node = object.node as Record<string, unknown> | undefined;
      for (const [rawKey, child] of Object.entries(object)) {
        const childKey = fieldKey(rawKey);
        let childAllowance: string | undefined;
        if (TEXT_KEYS.has(childKey)) childAllowance = own;
        else if (childKey === 'snippet') childAllowance = readable(node?.id);
        else if (childKey === 'mentions') childAllowance = own;
        else if (key === 'mentions' && childKey === 'displayName') childAllowance = allowance;
        walk(child, `${where}.${rawKey}`, childAllowance, childKey);
      }
    }
  };
  walk(response, label, undefined, '');
  return out;
}

/** Every value under an `author` key. */
function authorsIn(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) authorsIn(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (fieldKey(key) === 'author') out.push(child);
      else authorsIn(child, out);
    }
  }
  return out;
}

/** A selection of every field of a type, recursively (no cycles; fields with required arguments left out). */
function selectionOf(
  schema: GraphQLSchema,
  typeName: string,
  path: string[] = [],
  aliased = new Set<string>(),
): string {
  const type = schema.getType(typeName);
  if (isUnionType(type)) {
    const members = type.getTypes();
    const typesOf = new Map<string, Set<string>>();
    for (const member of members)
      for (const field of Object.values(member.getFields()))
        typesOf.set(field.name, (typesOf.get(field.name) ?? new Set()).add(String(field.type)));
    const conflicting = new Set([...typesOf].filter(([, types]) => types.size > 1).map(([name]) => name));
    return `__typename ${members
      .map((member) => `... on ${member.name} { ${selectionOf(schema, member.name, path, conflicting)} }`)
      .join(' ')}`;
  }
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  const inside = [...path, typeName];
  return Object.values(type.getFields())
    .flatMap((field) => {
      if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) return [];
      const named = getNamedType(field.type);
      const name = aliased.has(field.name) ? `${typeName}${ALIAS}${field.name}: ${field.name}` : field.name;
      if (isLeafType(named)) return [name];
      if (inside.includes(named.name)) return [];
      return [`${name} { ${selectionOf(schema, named.name, inside)} }`];
    })
    .join(' ');
}

interface Documents {
  thread: string;
  threads: string;
  search: (count: number) => string;
  reply: string;
  react: string;
  unreact: string;
  editPost: string;
  deletePost: string;
  startThread: string;
  markInsight: string;
  resolveThread: string;
  hidePost: string;
  lockThread: string;
}

const PROPOSE = 'mutation ($input: ProposeNormInput!) { proposeNorm(input: $input) { id } }';
const VOTE = 'mutation ($input: VoteOnNormInput!) { voteOnNorm(input: $input) { id } }';
const RATIFY =
  'mutation ($input: RatifyCharterInput!) { ratifyCharter(input: $input) { version policy { attribution observers externalSharing } } }';
const ACCEPT = 'mutation ($input: AcceptCharterInput!) { acceptCharter(input: $input) { acceptedCharterVersion } }';
const EXPORT = 'query ($id: ID!) { exportThread(threadId: $id) }';

describe('attribution scan: what a reader can learn about who wrote what', () => {
  let t: TestApp;
  let docs: Documents;

  beforeAll(async () => {
    t = await startTestApp();
    const introspection = await t.ok<IntrospectionQuery>(getIntrospectionQuery());
    const schema = buildClientSchema(introspection);
    const post = selectionOf(schema, 'Post');
    const thread = selectionOf(schema, 'Thread');
    docs = {
      thread: `query ($id: ID!) { thread(id: $id) { ${thread} } }`,
      threads: `query ($spaceId: ID!) { threads(spaceId: $spaceId, first: 50) { ${selectionOf(schema, 'ThreadConnection')} } }`,
      search: (count) =>
        `query ($cohortId: ID!, ${Array.from({ length: count }, (_, i) => `$q${i}: String!`).join(', ')}) { ${Array.from(
          { length: count },
          (_, i) =>
            `s${i}: search(cohortId: $cohortId, query: $q${i}, first: 50) { ${selectionOf(schema, 'SearchConnection')} }`,
        ).join(' ')} }`,
      reply: `mutation ($input: ReplyInput!) { reply(input: $input) { ${post} } }`,
      react: `mutation ($input: ReactInput!) { react(input: $input) { ${post} } }`,
      unreact: `mutation ($input: ReactInput!) { unreact(input: $input) { ${post} } }`,
      editPost: `mutation ($input: EditPostInput!) { editPost(input: $input) { ${post} } }`,
      deletePost: `mutation ($id: ID!) { deletePost(postId: $id) { ${post} } }`,
      startThread: `mutation ($input: StartThreadInput!) { startThread(input: $input) { ${thread} } }`,
      markInsight: `mutation ($input: MarkInsightInput!) { markInsight(input: $input) { ${post} } }`,
      resolveThread: `mutation ($input: ResolveThreadInput!) { resolveThread(input: $input) { ${thread} } }`,
      hidePost: `mutation ($input: HidePostInput!) { hidePost(input: $input) { ${post} } }`,
      lockThread: `mutation ($id: ID!) { lockThread(threadId: $id) { ${thread} } }`,
    };
  });
  afterAll(() => t.close());

  const id = async (document: string, field: string, variables: Record<string, unknown>, token: string) =>
    (await t.ok<Record<string, { id: string }>>(document, variables, token))[field].id;
  const startThread = (by: Person, spaceId: string, title: string, body: string) =>
    id(
      'mutation ($input: StartThreadInput!) { startThread(input: $input) { id } }',
      'startThread',
      { input: { spaceId, title, body, kind: 'QUESTION' } },
      by.token,
    );
  const reply = (by: Person, threadId: string, body: string, parentId?: string) =>
    id(
      'mutation ($input: ReplyInput!) { reply(input: $input) { id } }',
      'reply',
      { input: { threadId, body, parentId } },
      by.token,
    );

  /** A cohort under the given rules (ratified as version 2) with its cast and their writing. */
  async function buildWorld(attribution: Attribution, sharing: Sharing, index: number): Promise<World> {
    const cohortId = (await newCohort(t)).id;
    const people = {} as Record<PersonKey, Person>;
    for (const [i, cast] of CAST.entries()) {
      const firstName = FIRST_NAMES[i];
      const surname = `${SURNAMES[i]}${SURNAME_TAGS[index]}`;
      const user = await newUser(t, { displayName: `${firstName} ${surname}` });
      const member = await newMember(t, cohortId, {
        user,
        role: cast.role,
        ministry: cast.ministry,
        country: cast.country,
      });
      people[cast.key] = {
        ...member,
        key: cast.key,
        ministry: cast.ministry,
        country: cast.country,
        firstName,
        surname,
      };
    }
    const { facilitator, a1, a2, a3 } = people;
    const spaceId = await id(
      'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
      'createSpace',
      { input: { cohortId, title: 'Land administration', purpose: 'Cadastre reform' } },
      facilitator.token,
    );
    await t.dataSource
      .getRepository(MembershipEntity)
      .update({ id: people.scholar.membershipId }, { grantedSpaceIds: [spaceId] });

    // The charter changes by co-creation: proposed, voted by full members, ratified, accepted by all.
    const proposalId = await id(
      PROPOSE,
      'proposeNorm',
      {
        input: {
          cohortId,
          title: 'How we attribute',
          text: 'Agreed at the opening session.',
          policyChange: { attribution, externalSharing: sharing, observers: 'ALLOWED' },
        },
      },
      a1.token,
    );
    for (const voter of [a1, a2, a3, people.member])
      await t.ok(VOTE, { input: { proposalId, position: 'AGREE', reason: 'agreed' } }, voter.token);
    const { ratifyCharter } = await t.ok<{ ratifyCharter: { version: number; policy: Record<string, string> } }>(
      RATIFY,
      { input: { cohortId, proposalIds: [proposalId] } },
      facilitator.token,
    );
    expect(ratifyCharter).toEqual({
      version: 2,
      policy: { attribution, observers: 'ALLOWED', externalSharing: sharing },
    });
    for (const person of Object.values(people)) await t.ok(ACCEPT, { input: { cohortId, version: 2 } }, person.token);

    const known = new Map<string, Item>();
    const write = async (item: Item, run: () => Promise<string>) => {
      const itemId = await run();
      known.set(itemId, item);
      return itemId;
    };
    const thread = (by: Person, title: string, body: string) =>
      write({ title, body, visible: true }, () => startThread(by, spaceId, title, body));
    const post = (by: Person, threadId: string, body: string, parentId?: string) =>
      write({ body, visible: true }, () => reply(by, threadId, body, parentId));

    const t1 = await thread(
      a1,
      'Sequencing a cadastre migration',
      'How did you sequence the cadastre migration? Our pilot stalled on legacy parcels.',
    );
    // A name in a title (no "@") and a mention in a thread's body.
    const t2 = await thread(
      a2,
      `Notes for ${a3.displayName}`,
      `Following up on what @${a1.displayName} raised about the cadastre pilot.`,
    );
    const p1 = await post(a2, t1, 'We split the cadastre migration into regional waves.');
    const p2 = await post(
      a3,
      t1,
      `@${a2.displayName} the regional waves worked for us too; see the cadastre audit.`,
      p1,
    );
    // A mention in other letter case, and a plain name in emphasis.
    const p3 = await post(
      a1,
      t1,
      `Thanks @${a3.displayName.toLocaleLowerCase()}, and **${a2.displayName}** too: the cadastre audit helps.`,
    );
    const p4 = await post(a2, t1, `@${a1.displayName} this cadastre aside is ${WITHHELD.hidden}.`);
    const originalP5 = `Draft cadastre note for @${a2.displayName}: ${WITHHELD.revision}.`;
    const p5 = await post(a3, t1, originalP5);
    const p6 = await post(facilitator, t1, 'Summary so far: cadastre waves, then audits.');
    const p7 = await post(a1, t2, 'The cadastre pilot is back on track.');
    const p8 = await post(a3, t1, `@${a1.displayName} cadastre draft to delete: ${WITHHELD.deleted}.`);

    const REACT = 'mutation ($input: ReactInput!) { react(input: $input) { id } }';
    for (const [by, postId, reaction] of [
      [a1, p1, 'AGREE'],
      [a3, p1, 'INSIGHTFUL'],
      [a2, p3, 'THANKS'],
      [facilitator, p2, 'AGREE'],
    ] as const)
      await t.ok(REACT, { input: { postId, reaction } }, by.token);
    await t.ok(
      'mutation ($input: MarkInsightInput!) { markInsight(input: $input) { id } }',
      { input: { postId: p1, isInsight: true } },
      a1.token,
    );
    await t.ok(
      'mutation ($input: HidePostInput!) { hidePost(input: $input) { id } }',
      { input: { postId: p4, reason: 'Off-topic for this space' } },
      facilitator.token,
    );
    known.set(p4, { body: known.get(p4)!.body, visible: false });
    const editedP5 = 'Cadastre note, revised: the parcel backlog cleared in two waves.';
    await t.ok(
      'mutation ($input: EditPostInput!) { editPost(input: $input) { id } }',
      { input: { postId: p5, body: editedP5 } },
      a3.token,
    );
    known.set(p5, { body: editedP5, visible: true });
    await t.ok('mutation ($id: ID!) { deletePost(postId: $id) { id } }', { id: p8 }, a3.token);
    known.set(p8, { body: '', visible: false });
    await t.ok(
      'mutation ($input: ResolveThreadInput!) { resolveThread(input: $input) { id } }',
      { input: { threadId: t2, acceptedPostId: p7 } },
      a2.token,
    );
    return {
      attribution,
      sharing,
      cohortId,
      spaceId,
      people,
      threads: { t1, t2 },
      posts: { p1, p2, p3, p4, p5, p6, p7, p8 },
      known,
      originalP5,
    };
  }

  interface Collected {
    /** Raw GraphQL responses (data and errors), by label. */
    responses: { label: string; response: GqlResponse }[];
    exports: { label: string; text: string }[];
    /** Search results by query, as node ids. */
    searches: { query: string; ids: string[] }[];
    thread1: GqlResponse;
  }

  /** Everything one reader can get: reads, exports, its own writes and the refusals of others. */
  async function collect(w: World, reader: Person, readerKey: ReaderKey): Promise<Collected> {
    const responses: Collected['responses'] = [];
    const record = async (label: string, document: string, variables: Record<string, unknown>) => {
      const response = await t.gql(document, variables, reader.token);
      responses.push({ label, response });
      return response;
    };
    const { t1, t2 } = w.threads;
    const { p1, p2 } = w.posts;

    const thread1 = await record('thread(t1)', docs.thread, { id: t1 });
    expect(thread1.errors).toBeUndefined();
    expect((await record('thread(t2)', docs.thread, { id: t2 })).errors).toBeUndefined();
    expect((await record('threads(space)', docs.threads, { spaceId: w.spaceId })).errors).toBeUndefined();

    const authors = [w.people.facilitator, w.people.a1, w.people.a2, w.people.a3];
    const queries = [
      'cadastre',
      ...Object.values(w.people).map((p) => p.displayName),
      ...authors.flatMap((p) => [p.surname, p.ministry, p.country]),
    ];
    // Two searches per document: each full selection uses five aliases and costs about 36,000,
    // within the query limits of one document (15 aliases, 100,000).
    const searches: { query: string; ids: string[] }[] = [];
    for (let from = 0; from < queries.length; from += 2) {
      const batch = queries.slice(from, from + 2);
      const search = await record(`search ${from}`, docs.search(batch.length), {
        cohortId: w.cohortId,
        ...Object.fromEntries(batch.map((q, i) => [`q${i}`, q])),
      });
      expect(search.errors).toBeUndefined();
      const searchData = search.data as Record<string, { edges: { node: { id: string } }[] }>;
      batch.forEach((query, i) => searches.push({ query, ids: searchData[`s${i}`].edges.map((e) => e.node.id) }));
    }

    const exports: Collected['exports'] = [];
    for (const [label, threadId] of [
      ['export(t1)', t1],
      ['export(t2)', t2],
    ] as const) {
      const res = await t.gql<{ exportThread: string }>(EXPORT, { id: threadId }, reader.token);
      expect(res.errors).toBeUndefined();
      exports.push({ label, text: res.data!.exportThread });
    }

    if (readerKey === 'facilitator') return { responses, exports, searches, thread1 };

    const refused = async (label: string, document: string, variables: Record<string, unknown>) => {
      const res = await record(label, document, variables);
      expect([label, res.errors?.map((e) => e.extensions?.code)]).toEqual([label, ['FORBIDDEN']]);
    };
    if (readerKey === 'observer') {
      await refused('reply (refused)', docs.reply, { input: { threadId: t1, body: 'An observer writes.' } });
      await refused('react (refused)', docs.react, { input: { postId: p1, reaction: 'AGREE' } });
      await refused('startThread (refused)', docs.startThread, {
        input: { spaceId: w.spaceId, title: 'Observer', body: 'An observer asks.', kind: 'QUESTION' },
      });
    } else {
      const mine = 'Reader view: the cadastre waves match our experience.';
      const replied = await record('reply', docs.reply, { input: { threadId: t1, body: mine, parentId: p1 } });
      expect(replied.errors).toBeUndefined();
      const replyId = (replied.data as { reply: { id: string } }).reply.id;
      w.known.set(replyId, { body: mine, visible: true });
      expect(
        (await record('react', docs.react, { input: { postId: p2, reaction: 'INSIGHTFUL' } })).errors,
      ).toBeUndefined();
      expect(
        (await record('unreact', docs.unreact, { input: { postId: p2, reaction: 'INSIGHTFUL' } })).errors,
      ).toBeUndefined();
      await record('react again', docs.react, { input: { postId: p1, reaction: 'SAME_HERE' } });
      const revised = 'Reader view, revised: the cadastre waves match ours.';
      expect(
        (await record('editPost', docs.editPost, { input: { postId: replyId, body: revised } })).errors,
      ).toBeUndefined();
      w.known.set(replyId, { body: revised, visible: true });

      // The reader's own thread, answered by an author: marking and resolving show that author's post.
      const title = `A ${readerKey} question on cadastre fees`;
      const body = 'Did anyone waive cadastre fees during the migration?';
      const started = await record('startThread', docs.startThread, {
        input: { spaceId: w.spaceId, title, body, kind: 'QUESTION' },
      });
      expect(started.errors).toBeUndefined();
      const ownThread = (started.data as { startThread: { id: string } }).startThread.id;
      w.known.set(ownThread, { title, body, visible: true });
      const answer = 'We waived cadastre fees for the first wave.';
      const answerId = await reply(w.people.a1, ownThread, answer);
      w.known.set(answerId, { body: answer, visible: true });
      // Allowed for a MEMBER who started the thread; FORBIDDEN for a SCHOLAR. Either answer is scanned.
      await record('markInsight (own thread)', docs.markInsight, { input: { postId: answerId, isInsight: true } });
      await record('resolveThread (own thread)', docs.resolveThread, {
        input: { threadId: ownThread, acceptedPostId: answerId },
      });
      expect((await record('thread(own)', docs.thread, { id: ownThread })).errors).toBeUndefined();
      expect((await record('threads(space) after', docs.threads, { spaceId: w.spaceId })).errors).toBeUndefined();
    }
    await refused('markInsight (refused)', docs.markInsight, { input: { postId: p1, isInsight: false } });
    await refused('hidePost (refused)', docs.hidePost, { input: { postId: p1, reason: 'Not mine to hide' } });
    await refused('editPost (refused)', docs.editPost, { input: { postId: p1, body: 'Rewritten by a reader.' } });
    await refused('deletePost (refused)', docs.deletePost, { id: p1 });
    await refused('resolveThread (refused)', docs.resolveThread, { input: { threadId: t1, acceptedPostId: p1 } });
    await refused('lockThread (refused)', docs.lockThread, { id: t1 });
    return { responses, exports, searches, thread1 };
  }

  /** The visible author-typed texts, taken out of an export before scanning it. */
  const stripTyped = (text: string, known: Map<string, Item>) => {
    let rest = text;
    const typed = [...known.values()]
      .filter((item) => item.visible)
      .flatMap((item) => [item.title, item.body])
      .filter((s): s is string => !!s)
      .sort((a, b) => b.length - a.length);
    for (const s of typed) rest = rest.replaceAll(s, '');
    return rest;
  };

  const named = (p: Person) => ({ displayName: p.displayName, ministry: p.ministry, country: p.country });
  const format = (leaks: Leak[]) => leaks.map((l) => `${l.where}: ${l.owner}'s "${l.term}" in …${l.excerpt}…`);

  describe.each(SCENARIOS)('%s with externalSharing %s', (attribution, sharing) => {
    let w: World;
    beforeAll(async () => {
      w = await buildWorld(
        attribution,
        sharing,
        SCENARIOS.findIndex(([a, s]) => a === attribution && s === sharing),
      );
    });

    it.each(READERS)('as the %s', async (readerKey) => {
      const reader = w.people[readerKey];
      const c = await collect(w, reader, readerKey);
      const others = Object.values(w.people).filter((p) => p.key !== readerKey);
      const exposed = c.responses.flatMap(({ label, response }) =>
        exposedIn(label, { data: response.data, errors: response.errors }, w.known),
      );
      const leaks = leaksIn(exposed, termsOf(others));
      const authorNames = ['facilitator', 'a1', 'a2', 'a3'] as const;
      const { a1, a2, facilitator } = w.people;

      if (hides(attribution, readerKey)) {
        // GraphQL: no other member's name, ministry or country outside the text authors typed.
        expect(format(leaks)).toEqual([]);
        const authors = c.responses.flatMap(({ response }) => authorsIn(response.data));
        expect(authors.length).toBeGreaterThan(10);
        for (const author of authors) {
          if (attribution === 'CHATHAM_HOUSE') expect(author).toBeNull();
          else if (author !== null)
            expect(author).toEqual({
              displayName: expect.stringMatching(/^Participant \d+$/),
              ministry: null,
              country: null,
            });
        }
      } else {
        // Control: this reader is shown the authors, and the same scan finds them.
        const data = c.thread1.data as {
          thread: { author: unknown; posts: { edges: { node: { id: string; author: unknown } }[] } };
        };
        expect(data.thread.author).toEqual(named(a1));
        const byPost = new Map(data.thread.posts.edges.map((e) => [e.node.id, e.node.author]));
        expect(byPost.get(w.posts.p1)).toEqual(named(a2));
        expect(byPost.get(w.posts.p2)).toEqual(named(w.people.a3));
        expect(byPost.get(w.posts.p6)).toEqual(named(facilitator));
        const found = new Set(leaks.map((l) => l.owner));
        for (const key of authorNames.filter((k) => k !== readerKey))
          expect([key, found.has(key)]).toEqual([key, true]);
      }

      if (readerKey === 'facilitator') {
        const posts = (
          c.thread1.data as {
            thread: { posts: { edges: { node: { id: string; body: string; revisions: { body: string }[] } }[] } };
          }
        ).thread.posts.edges.map((e) => e.node);
        expect(posts.find((p) => p.id === w.posts.p4)?.body).toContain(WITHHELD.hidden);
        expect(posts.find((p) => p.id === w.posts.p5)?.revisions.map((r) => r.body)).toEqual([w.originalP5]);
      } else {
        // Hidden bodies, earlier versions and deleted text reach no other reader, by any path.
        const everything = JSON.stringify(c.responses) + c.exports.map((e) => e.text).join('\n');
        for (const word of Object.values(WITHHELD)) expect([word, everything.includes(word)]).toEqual([word, false]);
      }

      // Search matches what was written, never who wrote it: a name finds only texts naming them.
      const cadastre = c.searches.find((s) => s.query === 'cadastre')!;
      expect(cadastre.ids.length).toBeGreaterThan(5);
      for (const { query, ids } of c.searches) {
        const pattern = new RegExp(`${NOT_WORD}${escapeRegExp(query)}${NOT_WORD_AFTER}`, 'iu');
        const naming = [...w.known.entries()]
          .filter(([, item]) => item.visible && pattern.test([item.title ?? '', item.body].join('\n')))
          .map(([itemId]) => itemId);
        expect([query, ids.filter((hit) => !naming.includes(hit))]).toEqual([query, []]);
      }

      for (const { label, text } of c.exports) {
        expect(text).toContain('cadastre');
        expect(text).not.toMatch(new RegExp(Object.values(WITHHELD).join('|')));
        if (sharing === 'WITHOUT_ATTRIBUTION') {
          // Nothing of any member (the reader included), bylines and text alike.
          const all = leaksIn([{ where: label, text }], termsOf(Object.values(w.people)));
          expect(format(all)).toEqual([]);
          expect(text).toContain('*A participant, ');
        } else if (hides(attribution, readerKey)) {
          const rest = stripTyped(text, w.known);
          expect(format(leaksIn([{ where: label, text: rest }], termsOf(others)))).toEqual([]);
        }
      }
      if (sharing === 'WITHOUT_ATTRIBUTION') {
        const t1Export = c.exports[0].text;
        expect(t1Export).toContain('Thanks a participant, and **a participant** too');
        expect(c.exports[1].text).toContain('# Notes for a participant');
      } else if (!hides(attribution, readerKey)) {
        expect(c.exports[0].text).toContain(`*${a1.displayName} (${a1.ministry}, ${a1.country}), `);
        expect(c.exports[0].text).toContain(`*${a2.displayName} (${a2.ministry}, ${a2.country}), `);
      } else if (attribution === 'ANONYMOUS') {
        expect(c.exports[0].text).toContain('*Participant 1, ');
      } else {
        expect(c.exports[0].text).toContain('*A participant, ');
      }
    });
  });

  /**
   * The full display name of a member, as a reader of the digest sees it, but not byte for byte as
   * stored: in capitals, decomposed (as pasted from some systems), with a no-break space (as word
   * processors keep names together), or wrapped onto the next line. The default charter applies
   * (CHATHAM_HOUSE, WITHOUT_ATTRIBUTION), so every one must come out as "a participant".
   */
  describe('exports without attribution, with a name written differently', () => {
    let people: Person[];
    let spaceId: string;
    beforeAll(async () => {
      const cohortId = (await newCohort(t)).id;
      people = [];
      for (const [i, key] of (['facilitator', 'a1', 'a2', 'member'] as const).entries()) {
        const cast = CAST.find((c) => c.key === key)!;
        const firstName = FIRST_NAMES[i + 2];
        const surname = `${SURNAMES[i + 2]}ax`;
        const user = await newUser(t, { displayName: `${firstName} ${surname}` });
        const member = await newMember(t, cohortId, {
          user,
          role: cast.role,
          ministry: cast.ministry,
          country: cast.country,
        });
        people.push({ ...member, key, ministry: cast.ministry, country: cast.country, firstName, surname });
      }
      spaceId = await id(
        'mutation ($input: CreateSpaceInput!) { createSpace(input: $input) { id } }',
        'createSpace',
        { input: { cohortId, title: 'Land administration', purpose: 'Cadastre reform' } },
        people[0].token,
      );
    });

    it.each([
      ['in capitals', (name: string) => name.toLocaleUpperCase()],
      ['in decomposed Unicode (NFD)', (name: string) => name.normalize('NFD')],
      ['with a no-break space', (name: string) => name.replace(' ', '\u00a0')],
      ['wrapped onto the next line', (name: string) => name.replace(' ', '\n')],
    ])('leaves no name written %s', async (_how, written) => {
      const [, author, replier, reader] = people;
      expect(written(author.displayName)).not.toBe(author.displayName);
      const threadId = await startThread(author, spaceId, 'Cadastre fees', 'Which cadastre fees did you waive?');
      await reply(replier, threadId, `Thanks ${written(author.displayName)} for the cadastre figures.`);
      const { exportThread } = await t.ok<{ exportThread: string }>(EXPORT, { id: threadId }, reader.token);
      expect(format(leaksIn([{ where: 'exportThread', text: exportThread }], termsOf(people)))).toEqual([]);
      // The name, whole or word by word, became "a participant"; the rest of the text is kept.
      expect(exportThread).toMatch(/Thanks (a participant\s*)+for the cadastre figures\./);
    });
  });
});
