import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { useState } from 'react';
import { ConfirmAction, InlineError } from '../components.js';
import { formatTime, useI18n } from '../i18n/index.js';
import { Loading } from './Loading.js';

const STAGE = gql`
  query CohortLifecycle($id: ID!) {
    cohort(id: $id) {
      id
      status
      concludedAt
      archivedAt
    }
  }
`;

const CONCLUDE = gql`
  mutation ConcludeCohort($input: ConcludeCohortInput!) {
    concludeCohort(input: $input) {
      id
      status
      concludedAt
      alumniSpaceId
      archiveProposalId
    }
  }
`;

const ARCHIVE = gql`
  mutation ArchiveCohort($cohortId: ID!) {
    archiveCohort(cohortId: $cohortId) {
      id
      status
      archivedAt
    }
  }
`;

interface Stage {
  cohort: {
    id: string;
    status: 'ACTIVE' | 'CONCLUDED' | 'ARCHIVED';
    concludedAt: string | null;
    archivedAt: string | null;
  };
}

/**
 * The end of the programme, for facilitators: conclude (guests leave, the alumni space opens, the
 * archive's retention goes to the members' vote), then archive once that vote is decided.
 */
export function Lifecycle({ cohortId }: { cohortId: string }) {
  const { t, language } = useI18n();
  const { data, error } = useQuery<Stage>(STAGE, { variables: { id: cohortId } });
  const refetchQueries = ['CohortLifecycle', 'Cohort', 'CohortStage', 'ManageAudit'];
  const [conclude, concluding] = useMutation(CONCLUDE, { refetchQueries });
  const [archive, archiving] = useMutation(ARCHIVE, { refetchQueries });
  const [days, setDays] = useState('365');
  if (error || !data) return <Loading error={error} />;
  const { cohort } = data;
  return (
    <section aria-labelledby="lifecycle">
      <h2 id="lifecycle">{t('lifecycle.title')}</h2>
      {cohort.status === 'ACTIVE' && (
        <>
          <p>{t('lifecycle.concludeExplained')}</p>
          <label>
            {t('lifecycle.retention')}
            <input type="number" min={1} inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
          </label>
          <ConfirmAction
            label={t('lifecycle.conclude')}
            prompt={t('lifecycle.concludePrompt')}
            confirm={t('lifecycle.concludeConfirm')}
            pending={concluding.loading}
            onConfirm={() =>
              conclude({
                variables: { input: { cohortId, archiveRetentionDays: days.trim() === '' ? null : Number(days) } },
              })
            }
          />
          <InlineError error={concluding.error} />
        </>
      )}
      {cohort.status === 'CONCLUDED' && cohort.concludedAt && (
        <>
          <p>{t('lifecycle.concludedOn', { time: formatTime(cohort.concludedAt, language) })}</p>
          <p>{t('lifecycle.archiveExplained')}</p>
          <ConfirmAction
            label={t('lifecycle.archive')}
            prompt={t('lifecycle.archivePrompt')}
            confirm={t('lifecycle.archiveConfirm')}
            pending={archiving.loading}
            onConfirm={() => archive({ variables: { cohortId } })}
          />
          <InlineError error={archiving.error} />
        </>
      )}
      {cohort.status === 'ARCHIVED' && cohort.archivedAt && (
        <p>{t('lifecycle.archivedOn', { time: formatTime(cohort.archivedAt, language) })}</p>
      )}
    </section>
  );
}
