/**
 * The bare baseline: the honest limit of this stack for what Convene does on its busiest paths,
 * with nothing but Node's `http`, `pg` and plain socket.io. It runs the SQL a thread page needs
 * (who is asking, may they read, the thread and a page of replies with their authors, as the
 * charter's attribution rule shows them) and returns the JSON the `Thread` document returns; it
 * inserts a reply (post row and event row in one transaction) and emits it to a thread's room.
 * Nothing here is shared with the product, so the product cannot make its own baseline slower.
 *
 * Run as its own process: `node dist/bench/baseline/server.js` with DATABASE_URL and PORT; it
 * prints `{"listening":port}` when ready.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { Server as SocketServer } from 'socket.io';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 20) });

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

interface Reader {
  user_id: string;
  membership_id: string;
  role: string;
  cohort_id: string;
  attribution: string;
}

/** The reader of a thread: token in force, membership in force with the charter accepted, and the space open to them. */
const READER_OF_THREAD = `
  SELECT m.user_id, m.id AS membership_id, m.role, m.cohort_id, v.attribution
    FROM access_tokens tk
    JOIN threads t ON t.id = $2
    JOIN spaces s ON s.id = t.space_id
    JOIN memberships m ON m.user_id = tk.user_id AND m.cohort_id = t.cohort_id
    JOIN cohorts c ON c.id = m.cohort_id
    JOIN charter_versions v ON v.cohort_id = c.id AND v.version = c.charter_version
   WHERE tk.token_hash = $1 AND tk.expires_at > now()
     AND m.status = 'ACTIVE' AND (m.access_expires_at IS NULL OR m.access_expires_at > now())
     AND m.accepted_charter_version = c.charter_version
     AND (m.role IN ('FACILITATOR', 'MEMBER') OR s.id = ANY (m.granted_space_ids))`;

const THREAD_PAGE = `
  SELECT t.id, t.title, t.body, t.kind, t.status, tu.display_name, tm.ministry, tm.country,
         p.id AS post_id, p.body AS post_body, p.created_at, p.is_insight, p.parent_id,
         p.hidden_at, p.deleted_at, pu.display_name AS post_name, pm.ministry AS post_ministry,
         pm.country AS post_country
    FROM threads t
    JOIN memberships tm ON tm.id = t.author_membership_id
    JOIN users tu ON tu.id = t.author_user_id
    LEFT JOIN LATERAL (SELECT * FROM posts WHERE thread_id = t.id ORDER BY created_at, id LIMIT $2) p ON true
    LEFT JOIN memberships pm ON pm.id = p.author_membership_id
    LEFT JOIN users pu ON pu.id = p.author_user_id
   WHERE t.id = $1
   ORDER BY p.created_at, p.id`;

interface PageRow {
  id: string;
  title: string;
  body: string;
  kind: string;
  status: string;
  display_name: string;
  ministry: string;
  country: string;
  post_id: string | null;
  post_body: string;
  created_at: Date;
  is_insight: boolean;
  parent_id: string | null;
  hidden_at: Date | null;
  deleted_at: Date | null;
  post_name: string;
  post_ministry: string;
  post_country: string;
}

function author(reader: Reader, name: string, ministry: string, country: string) {
  const named = { displayName: name, ministry, country };
  if (reader.role === 'FACILITATOR' || reader.attribution === 'NAMED') return named;
  if (reader.attribution === 'CHATHAM_HOUSE') return reader.role === 'MEMBER' ? named : null;
  return { displayName: 'Participant', ministry: null, country: null };
}

async function readBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function threadPage(token: string, threadId: string, first: number) {
  const readers = await pool.query<Reader>(READER_OF_THREAD, [hash(token), threadId]);
  const reader = readers.rows[0];
  if (!reader) return null;
  const { rows } = await pool.query<PageRow>(THREAD_PAGE, [threadId, first + 1]);
  const head = rows[0];
  const posts = rows.filter((row) => row.post_id);
  const edges = posts.slice(0, first).map((row) => {
    const cursor = Buffer.from(JSON.stringify([row.created_at, row.post_id])).toString('base64url');
    const shown = !row.deleted_at && (!row.hidden_at || reader.role === 'FACILITATOR');
    return {
      cursor,
      node: {
        id: row.post_id,
        body: shown ? row.post_body : null,
        createdAt: row.created_at.toISOString(),
        isInsight: row.is_insight,
        parent: row.parent_id ? { id: row.parent_id } : null,
        author: row.deleted_at ? null : author(reader, row.post_name, row.post_ministry, row.post_country),
      },
    };
  });
  return {
    data: {
      thread: {
        id: head.id,
        title: head.title,
        body: head.body,
        kind: head.kind,
        status: head.status,
        attribution: reader.attribution,
        author: author(reader, head.display_name, head.ministry, head.country),
        posts: {
          edges,
          pageInfo: { hasNextPage: posts.length > first, endCursor: edges.at(-1)?.cursor ?? null },
        },
      },
    },
  };
}

/** A reply: who is asking and may they post, then the post row and the event row in one transaction. */
async function reply(token: string, threadId: string, body: string) {
  const readers = await pool.query<Reader>(READER_OF_THREAD, [hash(token), threadId]);
  const reader = readers.rows[0];
  if (!reader || reader.role === 'SCHOLAR') return null;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const {
      rows: [post],
    } = await client.query<{ id: string; created_at: Date }>(
      `INSERT INTO posts (cohort_id, thread_id, author_membership_id, author_user_id, body)
       VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`,
      [reader.cohort_id, threadId, reader.membership_id, reader.user_id, body],
    );
    const topic = `thread:${threadId}`;
    const {
      rows: [{ seq }],
    } = await client.query<{ seq: string }>(
      `INSERT INTO realtime_topics (topic, last_seq) VALUES ($1, 1)
       ON CONFLICT (topic) DO UPDATE SET last_seq = realtime_topics.last_seq + 1 RETURNING last_seq AS seq`,
      [topic],
    );
    await client.query('INSERT INTO realtime_events (topic, seq, cohort_id, type, ref) VALUES ($1, $2, $3, $4, $5)', [
      topic,
      seq,
      reader.cohort_id,
      'post.created',
      JSON.stringify({ postId: post.id, threadId }),
    ]);
    await client.query('COMMIT');
    const node = { id: post.id, body, parent: null, author: author(reader, '', '', '') };
    io.to(topic).emit('event', {
      id: Number(seq),
      topic,
      type: 'post.created',
      payload: { ...node, createdAt: post.created_at },
    });
    return { data: { reply: node } };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return send(res, 200, { status: 'ok' });
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  readBody(req)
    .then(async (input) => {
      const result =
        req.url === '/thread'
          ? await threadPage(token, input.id, Number(input.first ?? 50))
          : req.url === '/reply'
            ? await reply(token, input.threadId, input.body)
            : undefined;
      if (result === undefined) return send(res, 404, { error: 'no such route' });
      send(res, 200, result ?? { data: null, errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
    })
    .catch((error: unknown) => send(res, 500, { error: String(error) }));
});

const io = new SocketServer(http, { transports: ['websocket'] });
io.use((socket, next) => {
  const token = (socket.handshake.auth as { token?: string }).token ?? '';
  pool
    .query('SELECT user_id FROM access_tokens WHERE token_hash = $1 AND expires_at > now()', [hash(token)])
    .then(({ rows }) => {
      if (!rows[0]) return next(new Error('UNAUTHENTICATED'));
      (socket.data as { token: string }).token = token;
      next();
    })
    .catch(next);
});
io.on('connection', (socket) => {
  socket.on('subscribe', ({ topic }: { topic: string }, ack: (answer: unknown) => void) => {
    const threadId = topic.replace(/^thread:/, '');
    pool
      .query<Reader>(READER_OF_THREAD, [hash((socket.data as { token: string }).token), threadId])
      .then(async ({ rows }) => {
        if (!rows[0]) return ack({ ok: false, code: 'NOT_FOUND' });
        await socket.join(topic);
        ack({ ok: true });
      })
      .catch(() => ack({ ok: false, code: 'INTERNAL' }));
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => {
  void io.close();
  http.close();
  void pool.end().then(() => process.exit(0));
});
