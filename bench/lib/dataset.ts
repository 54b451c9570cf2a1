import { hashPassword, hashSecret, newSecret } from '../../src/common/crypto.js';
import { writeFirstCharter } from '../../src/charter/charter-versions.js';
import { MINISTRY_CODES } from '../../src/cohorts/ministries.js';
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
  cohortId: string;
  spaceId: string;
  threadIds: string[];
  members: BenchMember[];
  posts: number;
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

/**
 * A database of its own on `serverUrl`, migrated, holding one cohort as a programme would: members
 * across ministries and countries with the charter accepted, one space, and threads of replies.
 * Rows are written by SQL in bulk; tokens are issued as the product issues them (only hashes stored).
 */
export async function seedDataset(serverUrl: string, size: DatasetSize): Promise<Dataset> {
  const started = Date.now();
  const scratch: ScratchDatabase = await createScratchDatabase(serverUrl, { prefix: 'convene_bench' });
  const dataSource = await openDataSource({ url: scratch.url, poolSize: 2 });
  try {
    await runMigrations(dataSource);
    const passwordHash = await hashPassword(newSecret('pw'));
    const [admin] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO users (email, display_name, password_hash, platform_role)
       VALUES ('admin@bench.convene', 'Bench admin', $1, 'ADMIN') RETURNING id`,
      [passwordHash],
    );
    const [cohort] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO cohorts (name, purpose, created_by_id) VALUES ('Digital reform programme', 'Benchmark', $1) RETURNING id`,
      [admin.id],
    );
    await dataSource.transaction((manager) => writeFirstCharter(manager, cohort.id));

    const members: BenchMember[] = [];
    const tokenHashes: string[] = [];
    const roles: string[] = [];
    const ministries: string[] = [];
    const countries: string[] = [];
    for (let i = 0; i < size.members; i++) {
      const token = newSecret('cvn');
      members.push({ userId: '', membershipId: '', role: roleOf(i), token });
      tokenHashes.push(hashSecret(token));
      roles.push(roleOf(i));
      ministries.push(MINISTRY_CODES[i % 8]);
      countries.push(COUNTRIES[i % COUNTRIES.length]);
    }
    const users = await dataSource.query<{ id: string }[]>(
      `INSERT INTO users (email, display_name, password_hash)
       SELECT 'member-' || n || '@bench.convene', 'Member ' || n, $2
         FROM generate_series(1, $1) AS n ORDER BY n RETURNING id`,
      [size.members, passwordHash],
    );
    const memberships = await dataSource.query<{ id: string }[]>(
      `INSERT INTO memberships (cohort_id, user_id, role, ministry, country, accepted_charter_version)
       SELECT $1, u, r::cohort_role, m, c, 1
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x(u, r, m, c, n)
        ORDER BY n RETURNING id`,
      [cohort.id, users.map((u) => u.id), roles, ministries, countries],
    );
    members.forEach((member, i) => {
      member.userId = users[i].id;
      member.membershipId = memberships[i].id;
    });
    await dataSource.query(
      `INSERT INTO access_tokens (token_hash, user_id, expires_at)
       SELECT h, u, now() + interval '2 days' FROM unnest($1::text[], $2::uuid[]) AS x(h, u)`,
      [tokenHashes, members.map((m) => m.userId)],
    );
    const facilitator = members.find((m) => m.role === 'FACILITATOR')!;
    const [space] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO spaces (cohort_id, title, purpose, created_by_id)
       VALUES ($1, 'Procurement and devices', 'Bring a procurement problem', $2) RETURNING id`,
      [cohort.id, facilitator.userId],
    );
    // Scholars reach the space by grant, as a facilitator would give it.
    await dataSource.query(
      `UPDATE memberships SET granted_space_ids = ARRAY[$1::uuid] WHERE cohort_id = $2 AND role = 'SCHOLAR'`,
      [space.id, cohort.id],
    );
    const posters = members.filter((m) => m.role !== 'SCHOLAR');
    await dataSource.query(
      `CREATE TEMP TABLE bench_authors AS
       SELECT n - 1 AS n, m AS membership_id, u AS user_id
         FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(m, u, n)`,
      [posters.map((m) => m.membershipId), posters.map((m) => m.userId)],
    );
    const threads = await dataSource.query<{ id: string }[]>(
      `INSERT INTO threads (cohort_id, space_id, author_membership_id, author_user_id, title, body, kind,
                            reply_count, last_activity_at, created_at)
       SELECT $1, $2, a.membership_id, a.user_id, 'Challenge ' || g.i, $3, 'CHALLENGE', $5,
              now() - (g.i || ' minutes')::interval, now() - interval '30 days'
         FROM generate_series(1, $4) AS g(i)
         JOIN bench_authors a ON a.n = (g.i * 7919) % $6
        ORDER BY g.i RETURNING id`,
      [cohort.id, space.id, BODY, size.threads, size.postsPerThread, posters.length],
    );
    await dataSource.query(
      `CREATE TEMP TABLE bench_threads AS
       SELECT n, id FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, n)`,
      [threads.map((t) => t.id)],
    );
    // In batches of threads, so no single statement holds the whole table in memory.
    const batch = Math.max(1, Math.floor(200_000 / size.postsPerThread));
    for (let from = 1; from <= size.threads; from += batch) {
      await dataSource.query(
        `INSERT INTO posts (cohort_id, thread_id, author_membership_id, author_user_id, body, created_at)
         SELECT $1, t.id, a.membership_id, a.user_id, 'Reply ' || g.p || ' to challenge ' || t.n || '. ' || $2,
                now() - interval '30 days' + (g.p || ' seconds')::interval
           FROM bench_threads t
           CROSS JOIN generate_series(1, $3) AS g(p)
           JOIN bench_authors a ON a.n = (t.n * 104729 + g.p * 7919) % $4
          WHERE t.n >= $5 AND t.n < $6`,
        [cohort.id, BODY, size.postsPerThread, posters.length, from, from + batch],
      );
    }
    // One reply in five answers the thread's first reply: nested, as discussions are.
    await dataSource.query(
      `UPDATE posts p SET parent_id = f.id
         FROM (SELECT DISTINCT ON (thread_id) thread_id, id FROM posts ORDER BY thread_id, created_at, id) f
        WHERE p.thread_id = f.thread_id AND p.id <> f.id AND get_byte(uuid_send(p.id), 0) % 5 = 0`,
    );
    await dataSource.query('ANALYZE');
    return {
      url: scratch.url,
      cohortId: cohort.id,
      spaceId: space.id,
      threadIds: threads.map((t) => t.id),
      members,
      posts: size.threads * size.postsPerThread,
      seedSeconds: (Date.now() - started) / 1000,
      drop: () => scratch.drop(),
    };
  } finally {
    await dataSource.destroy();
  }
}
