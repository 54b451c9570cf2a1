import { gql } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { formatTime, useI18n } from './i18n/index.js';

export interface Author {
  displayName: string;
  ministry: string | null;
  country: string | null;
}

/** Who wrote it, as the server said: never more than it sent. */
export function Byline({ author, at }: { author: Author | null; at: string }) {
  const { t, language } = useI18n();
  const who = author
    ? [author.displayName, author.ministry, author.country].filter(Boolean).join(' · ')
    : t('thread.anonymous');
  return (
    <p className="byline">
      {who} · <time dateTime={at}>{formatTime(at, language)}</time>
    </p>
  );
}

/** The server's refusal of an action, beside the button that asked. */
export function InlineError({ error }: { error?: { message: string } | null }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <span className="error" role="alert">
      {' '}
      {t('common.error', { message: error.message })}
    </span>
  );
}

const COHORT_STAGE = gql`
  query CohortStage($id: ID!) {
    cohort(id: $id) {
      id
      status
    }
  }
`;

/**
 * Whether the cohort still takes new content (not ARCHIVED). Only for what to offer: the server
 * refuses writes to an archive whatever the page shows.
 */
export function useWritable(cohortId: string | undefined): boolean {
  const { data } = useQuery<{ cohort: { status: string } }>(COHORT_STAGE, {
    variables: { id: cohortId },
    skip: !cohortId,
  });
  return data?.cohort.status !== 'ARCHIVED';
}

/** When a session starts, in the viewer's zone, with the organiser's zone beside it. */
export function SessionTime({ startsAt, timeZone }: { startsAt: string; timeZone: string }) {
  const { t, language } = useI18n();
  return (
    <p>
      <time dateTime={startsAt}>{formatTime(startsAt, language)}</time>{' '}
      <span className="muted">
        ({t('sessions.organiserTime', { time: formatTime(startsAt, language, timeZone), zone: timeZone })})
      </span>
    </p>
  );
}

/**
 * "Hide", then a reason and a confirmation: for replies and questions. The server decides who may
 * (facilitators); anyone else gets its refusal beside the form.
 */
export function HideWithReason({
  reasonLabel,
  submitLabel,
  hide,
}: {
  reasonLabel: string;
  submitLabel: string;
  hide: (reason: string) => Promise<unknown>;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (open) reasonField.current?.focus();
  }, [open]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    try {
      await hide(reason);
      setError(null);
      setOpen(false);
    } catch (refused) {
      setError(refused as Error);
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('thread.hide')}
      </button>
      {open && (
        <form className="reply" onSubmit={(e) => void submit(e)} aria-label={submitLabel}>
          <label>
            {reasonLabel}
            <textarea ref={reasonField} required rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" disabled={pending}>
            {submitLabel}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setOpen(false)}>
            {t('thread.hideCancel')}
          </button>
          <InlineError error={error} />
        </form>
      )}
    </>
  );
}

/**
 * An action that asks once more, in the page, with the focus on the confirmation: removing a
 * member, concluding or archiving a cohort.
 */
export function ConfirmAction({
  label,
  labelFor,
  prompt,
  confirm,
  confirmFor,
  pending,
  onConfirm,
}: {
  label: string;
  /** The accessible name when `label` alone is ambiguous (one button per row). */
  labelFor?: string;
  prompt: string;
  confirm: string;
  confirmFor?: string;
  pending: boolean;
  onConfirm: () => Promise<unknown>;
}) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  if (!confirming)
    return (
      <button type="button" className="secondary" aria-label={labelFor} onClick={() => setConfirming(true)}>
        {label}
      </button>
    );
  return (
    <>
      <p>{prompt}</p>
      <button
        ref={confirmButton}
        type="button"
        disabled={pending}
        aria-label={confirmFor}
        onClick={() =>
          void onConfirm().then(
            () => setConfirming(false),
            () => undefined,
          )
        }
      >
        {confirm}
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setConfirming(false)}>
        {t('manage.cancel')}
      </button>
    </>
  );
}

/** A group of checkboxes for choosing ids: grants, audiences, experts, peers to ask. */
export function Checkboxes({
  legend,
  items,
  chosen,
  onChange,
  none,
}: {
  legend: string;
  items: { id: string; label: ReactNode }[];
  chosen: string[];
  onChange: (ids: string[]) => void;
  /** Shown when there is nothing to choose. */
  none?: string;
}) {
  return (
    <fieldset className="stack">
      <legend>{legend}</legend>
      {items.length === 0 && none && <p className="muted">{none}</p>}
      {items.map((item) => (
        <label key={item.id} className="check">
          <input
            type="checkbox"
            checked={chosen.includes(item.id)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, item.id] : chosen.filter((id) => id !== item.id))}
          />{' '}
          {item.label}
        </label>
      ))}
    </fieldset>
  );
}
