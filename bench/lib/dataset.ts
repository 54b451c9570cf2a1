import { hashPassword, hashSecret, newSecret } from '../../src/common/crypto.js';
import { writeFirstCharter } from '../../src/charter/charter-versions.js';
import { MINISTRY_CODES } from '../../src/cohorts/ministries.js';
import pg from 'pg';
import { openDataSource, runMigrations } from '../../src/database/data-source.js';
import { createScratchDatabase, type ScratchDatabase } from '../../src/database/scratch-database.js';

export interface DatasetSize {
  members: number;
  threads: number;
  postsPerThread: number;
}

export interface BenchMember {
  userId: string;
  membershipId: string;
  role: 'FACILITATOR' | 'MEMBER' | 'SCHOLAR';
  token: string;
}

export interface Dataset {
  url: string;
  /** The database's name on its server (a template for the growth copy). */
  name: string;
  cohortId: string;
  spaceId: string;
  threadIds: string[];
  members: BenchMember[];
  posts: number;
  postsPerThread: number;
  seedSeconds: number;
  drop(): Promise<void>;
}

const COUNTRIES = ['KE', 'RW', 'GH', 'NG', 'SN', 'UG', 'TZ', 'ET', 'ZA', 'BR', 'ID', 'PH'];

/** Roles of the seeded cohort by position: a few facilitators, scholars granted the space, members. */
function roleOf(index: number): BenchMember['role'] {
  if (index % 100 === 0) return 'FACILITATOR';
  if (index % 20 === 1) return 'SCHOLAR';
  return 'MEMBER';
}

const BODY =
  'Our ministry moved procurement of school devices to a framework agreement last year. ' +
  'What worked: a shared specification with finance, and a pilot in two regions before the tender. ' +
  'What did not: the maintenance budget sat with a different vote, so repairs stalled. ';
/** The growth copy's added replies are shorter, so that building the search index stays quick. */
const SHORT_BODY = 'A pilot in two regions came before the tender. ';

/**
 * A database of its own on `serverUrl`, migrated, holding one cohort as a programme would: members
 * across ministries and countries with the charter accepted, one space, and threads of replies.
 * Rows are written by SQL in bulk; tokens are issued as the product issues them (only hashes stored).
 */
export async function seedDataset(serverUrl: string, size: DatasetSize): Promise<Dataset> {
  const started = Date.now();
  const scratch: ScratchDatabase = await createScratchDatabase(serverUrl, { prefix: 'convene_bench' });
  const dataSource = await openDataSource({ url: scratch.url, poolSize: 2 });
  const passwordHash = await hashPassword(newSecret('pw'));
  let cohortId: string;
  try {
    await runMigrations(dataSource);
    const [admin] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO users (email, display_name, password_hash, platform_role)
       VALUES ('admin@bench.convene', 'Bench admin', $1, 'ADMIN') RETURNING id`,
      [passwordHash],
    );
    cohortId = await dataSource.transaction(async (manager) => {
      const [cohort] = await manager.query<{ id: string }[]>(
        `INSERT INTO cohorts (name, purpose, created_by_id) VALUES ('Digital reform programme', 'Benchmark', $1) RETURNING id`,
        [admin.id],
      );
      await writeFirstCharter(manager, cohort.id);
      return cohort.id;
    });
  } finally {
    await dataSource.destroy();
  }
  // One connection without a statement timeout: temporary tables live on it, and index builds take a while.
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  try {
    const members = await seedMembers(client, cohortId, size.members, passwordHash);
    const facilitator = members.find((m) => m.role === 'FACILITATOR')!;
    const {
      rows: [space],
    } = await client.query<{ id: string }>(
      `INSERT INTO spaces (cohort_id, title, purpose, created_by_id)
       VALUES ($1, 'Procurement and devices', 'Bring a procurement problem', $2) RETURNING id`,
      [cohortId, facilitator.userId],
    );
    // Scholars reach the space by grant, as a facilitator would give it.
    await client.query(
      `UPDATE memberships SET granted_space_ids = ARRAY[$1::uuid] WHERE cohort_id = $2 AND role = 'SCHOLAR'`,
      [space.id, cohortId],
    );
    const posters = members.filter((m) => m.role !== 'SCHOLAR');
    await client.query(
      `CREATE TABLE bench_authors AS
       SELECT n - 1 AS n, m AS membership_id, u AS user_id
         FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(m, u, n)`,
      [posters.map((m) => m.membershipId), posters.map((m) => m.userId)],
    );
    const { rows: threads } = await client.query<{ id: string }>(
      `INSERT INTO threads (cohort_id, space_id, author_membership_id, author_user_id, title, body, kind,
                            last_activity_at, created_at)
       SELECT $1, $2, a.membership_id, a.user_id, 'Challenge ' || g.i, $3, 'CHALLENGE',
              now() - (g.i || ' minutes')::interval, now() - interval '30 days'
         FROM generate_series(1, $4) AS g(i)
         JOIN bench_authors a ON a.n = (g.i * 7919) % $5
        ORDER BY g.i RETURNING id`,
      [cohortId, space.id, BODY, size.threads, posters.length],
    );
    await client.query(
      `CREATE TABLE bench_threads AS SELECT n, id FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n)`,
      [threads.map((t) => t.id)],
    );
    await addPosts(client, 1, size.postsPerThread);
    return {
      url: scratch.url,
      name: scratch.name!,
      cohortId,
      spaceId: space.id,
      threadIds: threads.map((t) => t.id),
      members,
      posts: size.threads * size.postsPerThread,
      postsPerThread: size.postsPerThread,
      seedSeconds: (Date.now() - started) / 1000,
      drop: () => scratch.drop(),
    };
  } finally {
    await client.end();
  }
}

/**
 * The same programme with more replies in every thread (the growth check): a copy of `dataset`
 * (which nothing may be connected to) with replies added up to `postsPerThread`.
 */
export async function growDataset(serverUrl: string, dataset: Dataset, postsPerThread: number): Promise<Dataset> {
  const started = Date.now();
  const grown = await createScratchDatabase(serverUrl, { prefix: 'convene_bench', template: dataset.name });
  const client = new pg.Client({ connectionString: grown.url });
  await client.connect();
  try {
    await addPosts(client, dataset.postsPerThread + 1, postsPerThread, SHORT_BODY);
  } finally {
    await client.end();
  }
  return {
    ...dataset,
    url: grown.url,
    name: grown.name!,
    posts: dataset.threadIds.length * postsPerThread,
    postsPerThread,
    seedSeconds: (Date.now() - started) / 1000,
    drop: () => grown.drop(),
  };
}

async function seedMembers(
  client: pg.Client,
  cohortId: string,
  count: number,
  passwordHash: string,
): Promise<BenchMember[]> {
  const members: BenchMember[] = [];
  const tokenHashes: string[] = [];
  for (let i = 0; i < count; i++) {
    const token = newSecret('cvn');
    members.push({ userId: '', membershipId: '', role: roleOf(i), token });
    tokenHashes.push(hashSecret(token));
  }
  const { rows: users } = await client.query<{ id: string }>(
    `INSERT INTO users (email, display_name, password_hash)
     SELECT 'member-' || n || '@bench.convene', 'Member ' || n, $2
       FROM generate_series(1, $1) AS n ORDER BY n RETURNING id`,
    [count, passwordHash],
  );
  const { rows: memberships } = await client.query<{ id: string }>(
    `INSERT INTO memberships (cohort_id, user_id, role, ministry, country, accepted_charter_version)
     SELECT $1, u, r::cohort_role, m, c, 1
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x(u, r, m, c, n)
      ORDER BY n RETURNING id`,
    [
      cohortId,
      users.map((u) => u.id),
      members.map((m) => m.role),
      members.map((_m, i) => MINISTRY_CODES[i % 8]),
      members.map((_m, i) => COUNTRIES[i % COUNTRIES.length]),
    ],
  );
  members.forEach((member, i) => {
    member.userId = users[i].id;
    member.membershipId = memberships[i].id;
  });
  await client.query(
    `INSERT INTO access_tokens (token_hash, user_id, expires_at)
     SELECT h, u, now() + interval '2 days' FROM unnest($1::text[], $2::uuid[]) AS x(h, u)`,
    [tokenHashes, members.map((m) => m.userId)],
  );
  return members;
}

/**
 * Replies number `from` to `to` of every thread (ids derived from thread and number, so that one
 * in five can answer the thread's first reply, nested as discussions are). The posts indexes are
 * dropped for the bulk insert and built again after, exactly as the migrations define them.
 */
async function addPosts(client: pg.Client, from: number, to: number, body = BODY): Promise<void> {
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE tablename = 'posts' AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
  );
  for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
  await client.query(`SET maintenance_work_mem = '256MB'`);
  const [{ authors }] = (await client.query<{ authors: number }>('SELECT count(*)::int AS authors FROM bench_authors'))
    .rows;
  await client.query(
    `INSERT INTO posts (id, cohort_id, thread_id, parent_id, author_membership_id, author_user_id, body, created_at)
     SELECT md5(t.id::text || ':' || g.p)::uuid, th.cohort_id, t.id,
            CASE WHEN g.p > 1 AND (t.n * 31 + g.p) % 5 = 0 THEN md5(t.id::text || ':1')::uuid END,
            a.membership_id, a.user_id, 'Reply ' || g.p || ' to challenge ' || t.n || '. ' || $3,
            now() - interval '30 days' + (g.p || ' seconds')::interval
       FROM bench_threads t
       JOIN threads th ON th.id = t.id
       CROSS JOIN generate_series($1::int, $2::int) AS g(p)
       JOIN bench_authors a ON a.n = (t.n * 104729 + g.p * 7919) % $4`,
    [from, to, body, authors],
  );
  for (const index of indexes) await client.query(index.definition);
  await client.query('UPDATE threads SET reply_count = $1', [to]);
  await client.query('ANALYZE');
}
