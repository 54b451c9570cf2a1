import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { type Author, Byline, HideWithReason, InlineError, useWritable } from '../components.js';
import { useI18n } from '../i18n/index.js';
import { useLiveAppended } from '../live.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';

const THREAD = gql`
  query Thread($id: ID!) {
    thread(id: $id) {
      id
      cohortId
      spaceId
      title
      body
      status
      attribution
      createdAt
      author {
        displayName
        ministry
        country
      }
      posts(first: 100) {
        edges {
          node {
            ...PostFields
          }
        }
      }
    }
  }
  fragment PostFields on Post {
    id
    body
    hidden
    deleted
    isInsight
    createdAt
    parent {
      id
    }
    author {
      displayName
      ministry
      country
    }
  }
`;

const MARK_INSIGHT = gql`
  mutation MarkInsight($input: MarkInsightInput!) {
    markInsight(input: $input) {
      id
      isInsight
    }
  }
`;

const RESOLVE = gql`
  mutation ResolveThread($input: ResolveThreadInput!) {
    resolveThread(input: $input) {
      id
      status
    }
  }
`;

const HIDE = gql`
  mutation HidePost($input: HidePostInput!) {
    hidePost(input: $input) {
      id
      hidden
      body
    }
  }
`;

const REPLY = gql`
  mutation Reply($input: ReplyInput!) {
    reply(input: $input) {
      id
    }
  }
`;

interface Post {
  id: string;
  body: string | null;
  hidden: boolean;
  deleted: boolean;
  isInsight: boolean;
  createdAt: string;
  parent: { id: string } | null;
  author: Author | null;
}

interface ThreadData {
  thread: {
    id: string;
    cohortId: string;
    spaceId: string;
    title: string;
    body: string;
    status: 'OPEN' | 'RESOLVED';
    createdAt: string;
    author: Author | null;
    posts: { edges: { node: Post }[] };
  };
}

function ReplyForm({ threadId, parentId, label }: { threadId: string; parentId: string | null; label: string }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  const [reply, { loading, error }] = useMutation(REPLY);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await reply({ variables: { input: { threadId, body, parentId } } });
    setBody('');
  };
  return (
    <form className="reply" onSubmit={(e) => void submit(e)} aria-label={label}>
      <label>
        {t('thread.yourReply')}
        <textarea required value={body} onChange={(e) => setBody(e.target.value)} rows={3} />
      </label>
      {error && (
        <p className="error" role="alert">
          {t('common.error', { message: error.message })}
        </p>
      )}
      <button type="submit" disabled={loading}>
        {t('thread.send')}
      </button>
    </form>
  );
}

/** Facilitators and the thread's author mark insights; the server refuses anyone else, and says so. */
function InsightToggle({ post }: { post: Post }) {
  const { t } = useI18n();
  const [mark, { loading, error }] = useMutation(MARK_INSIGHT);
  return (
    <>
      <button
        type="button"
        className="link"
        disabled={loading}
        onClick={() => void mark({ variables: { input: { postId: post.id, isInsight: !post.isInsight } } })}
      >
        {post.isInsight ? t('thread.unmarkInsight') : t('thread.markInsight')}
      </button>
      <InlineError error={error} />
    </>
  );
}

/** Facilitators hide a reply with a reason; the server refuses anyone else, and says so. */
function HideAction({ post }: { post: Post }) {
  const { t } = useI18n();
  // The thread is read again so that a reply that arrived live shows as hidden too.
  const [hide] = useMutation(HIDE, { refetchQueries: ['Thread'] });
  if (post.hidden) return null;
  return (
    <HideWithReason
      reasonLabel={t('thread.hideReason')}
      submitLabel={t('thread.hideSubmit')}
      hide={(reason) => hide({ variables: { input: { postId: post.id, reason } } })}
    />
  );
}

function ResolveButton({ threadId }: { threadId: string }) {
  const { t } = useI18n();
  const [resolve, { loading, error }] = useMutation(RESOLVE);
  return (
    <p>
      <button
        type="button"
        className="secondary"
        disabled={loading}
        onClick={() => void resolve({ variables: { input: { threadId } } })}
      >
        {t('thread.resolve')}
      </button>
      <InlineError error={error} />
    </p>
  );
}

function Replies({
  posts,
  parentId,
  threadId,
  writable,
}: {
  posts: Post[];
  parentId: string | null;
  threadId: string;
  /** False in an archive: nothing to act on, only to read. */
  writable: boolean;
}) {
  const { t } = useI18n();
  const [replyingTo, setReplyingTo] = useState<string | null>(null);
  const children = posts.filter((post) => (post.parent?.id ?? null) === parentId);
  if (children.length === 0) return null;
  return (
    <ul className="replies">
      {children.map((post) => (
        <li key={post.id}>
          <article aria-label={post.author?.displayName ?? t('thread.anonymous')}>
            <Byline author={post.author} at={post.createdAt} />
            {post.isInsight && <p className="badge">{t('thread.insight')}</p>}
            {post.hidden ? <p className="muted">{t('thread.hidden')}</p> : <p className="body">{post.body}</p>}
            {writable && (
              <>
                <InsightToggle post={post} /> <HideAction post={post} />{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => setReplyingTo(replyingTo === post.id ? null : post.id)}
                >
                  {t('thread.replyTo')}
                </button>
              </>
            )}
            {replyingTo === post.id && <ReplyForm threadId={threadId} parentId={post.id} label={t('thread.replyTo')} />}
          </article>
          <Replies posts={posts} parentId={post.id} threadId={threadId} writable={writable} />
        </li>
      ))}
    </ul>
  );
}

/** A thread with its nested replies; replies from others arrive live. */
export function Thread({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error, refetch } = useQuery<ThreadData>(THREAD, { variables: { id } });
  const writable = useWritable(data?.thread.cohortId);
  const posts = useLiveAppended(
    `thread:${id}`,
    'post.created',
    data?.thread.posts.edges.map((e) => e.node) ?? [],
    refetch,
    // A reply hidden, edited or deleted since: the thread is read again, as this reader may see it.
    ['post.hidden', 'post.updated'],
  );
  if (error || !data) return <Loading error={error} />;
  const { thread } = data;
  return (
    <>
      <p>
        <a href={href('spaces', thread.spaceId)}>{t('thread.back')}</a>
      </p>
      <article className="card" aria-labelledby="thread-title">
        <h1 id="thread-title">{thread.title}</h1>
        <Byline author={thread.author} at={thread.createdAt} />
        <p className="body">{thread.body}</p>
        {thread.status === 'RESOLVED' ? (
          <p className="badge">{t('thread.resolved')}</p>
        ) : (
          writable && <ResolveButton threadId={thread.id} />
        )}
      </article>
      <section aria-labelledby="replies" aria-live="polite">
        <h2 id="replies">{t('threads.replies', { count: posts.length })}</h2>
        <p className="muted">{t('thread.live')}</p>
        <Replies posts={posts} parentId={null} threadId={thread.id} writable={writable} />
      </section>
      {writable && (
        <section aria-labelledby="reply">
          <h2 id="reply">{t('thread.reply')}</h2>
          <ReplyForm threadId={thread.id} parentId={null} label={t('thread.reply')} />
        </section>
      )}
    </>
  );
}
