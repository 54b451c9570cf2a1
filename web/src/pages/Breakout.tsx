import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { type Author, Byline, InlineError } from '../components.js';
import { useI18n } from '../i18n/index.js';
import { useLiveAppended } from '../live.js';
import { href } from '../router.js';
import { Loading } from './Loading.js';

const GROUP = gql`
  query BreakoutGroup($id: ID!) {
    breakoutGroup(id: $id) {
      id
      sessionId
      name
      closedAt
      reportBack
      members {
        id
        role
        ministry
        country
        user {
          displayName
        }
      }
      notes {
        ...NoteFields
      }
    }
  }
  fragment NoteFields on BreakoutNote {
    id
    body
    createdAt
    author {
      displayName
      ministry
      country
    }
  }
`;

const ADD_NOTE = gql`
  mutation AddBreakoutNote($input: AddBreakoutNoteInput!) {
    addBreakoutNote(input: $input) {
      id
    }
  }
`;

const REPORT_BACK = gql`
  mutation ReportBack($input: ReportBackInput!) {
    reportBack(input: $input) {
      id
      reportBack
      reportedAt
    }
  }
`;

interface Note {
  id: string;
  body: string;
  createdAt: string;
  author: Author | null;
}

interface GroupData {
  breakoutGroup: {
    id: string;
    sessionId: string;
    name: string;
    closedAt: string | null;
    reportBack: string | null;
    members: { id: string; role: string; ministry: string; country: string; user: { displayName: string } }[];
    notes: Note[];
  };
}

function ReportBack({ groupId, current }: { groupId: string; current: string | null }) {
  const { t } = useI18n();
  const [summary, setSummary] = useState(current ?? '');
  const [report, { loading, error, called }] = useMutation(REPORT_BACK);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await report({ variables: { input: { groupId, summary } } });
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="report" className="card">
      <h2 id="report">{t('breakouts.reportBack')}</h2>
      <label>
        {t('breakouts.summary')}
        <textarea required rows={4} value={summary} onChange={(e) => setSummary(e.target.value)} />
      </label>
      <InlineError error={error} />
      {called && !loading && !error && <p role="status">{t('breakouts.reported')}</p>}
      <button type="submit" disabled={loading}>
        {t('breakouts.sendReport')}
      </button>
    </form>
  );
}

/** A breakout group: who is in it, its shared notes (live), and its report to the plenary. */
export function Breakout({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error, refetch } = useQuery<GroupData>(GROUP, { variables: { id } });
  const [body, setBody] = useState('');
  const [addNote, adding] = useMutation(ADD_NOTE);
  const notes = useLiveAppended(`breakout:${id}`, 'breakout.note', data?.breakoutGroup.notes ?? [], refetch, [
    'breakout.updated',
  ]);
  if (error || !data) return <Loading error={error} />;
  const group = data.breakoutGroup;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await addNote({ variables: { input: { groupId: group.id, body } } });
    setBody('');
  };
  return (
    <>
      <p>
        <a href={href('sessions', group.sessionId)}>{t('breakouts.back')}</a>
      </p>
      <h1>{group.name}</h1>
      {group.closedAt && <p className="notice">{t('breakouts.closed')}</p>}
      <section aria-labelledby="people">
        <h2 id="people">{t('breakouts.people')}</h2>
        <ul className="list">
          {group.members.map((member) => (
            <li key={member.id}>
              {[member.user.displayName, member.ministry, member.country].filter(Boolean).join(' · ')}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="notes" aria-live="polite">
        <h2 id="notes">{t('breakouts.notes')}</h2>
        {notes.length === 0 && <p>{t('breakouts.noNotes')}</p>}
        <ul className="list">
          {notes.map((note) => (
            <li key={note.id}>
              <p className="body">{note.body}</p>
              <Byline author={note.author} at={note.createdAt} />
            </li>
          ))}
        </ul>
      </section>
      {!group.closedAt && (
        <>
          <form onSubmit={(e) => void submit(e)} aria-labelledby="add-note">
            <h2 id="add-note">{t('breakouts.addNote')}</h2>
            <label>
              {t('breakouts.note')}
              <textarea required rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
            </label>
            <InlineError error={adding.error} />
            <button type="submit" disabled={adding.loading}>
              {t('breakouts.sendNote')}
            </button>
          </form>
          <ReportBack groupId={group.id} current={group.reportBack} />
        </>
      )}
    </>
  );
}
