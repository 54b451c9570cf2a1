import { useMutation, useQuery } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { useI18n } from '../i18n/index.js';
import { Loading } from './Loading.js';

const PROPOSALS = gql`
  query NormProposals($cohortId: ID!) {
    normProposals(cohortId: $cohortId, first: 50) {
      edges {
        node {
          id
          title
          text
          status
          myVote
          tally {
            agree
            abstain
            disagree
            block
          }
        }
      }
    }
  }
`;

const PROPOSE = gql`
  mutation ProposeNorm($input: ProposeNormInput!) {
    proposeNorm(input: $input) {
      id
    }
  }
`;

const VOTE = gql`
  mutation VoteOnNorm($input: VoteOnNormInput!) {
    voteOnNorm(input: $input) {
      id
    }
  }
`;

const RATIFY = gql`
  mutation RatifyCharter($input: RatifyCharterInput!) {
    ratifyCharter(input: $input) {
      version
    }
  }
`;

interface Proposal {
  id: string;
  title: string;
  text: string;
  status: 'OPEN' | 'ADOPTED' | 'WITHDRAWN';
  myVote: string | null;
  tally: { agree: number; abstain: number; disagree: number; block: number };
}

const POSITIONS = ['AGREE', 'ABSTAIN', 'DISAGREE', 'BLOCK'] as const;

function Vote({ proposal, onVoted }: { proposal: Proposal; onVoted: () => Promise<unknown> }) {
  const { t } = useI18n();
  const [position, setPosition] = useState<string>(proposal.myVote ?? 'AGREE');
  const [reason, setReason] = useState('');
  const [vote, { loading }] = useMutation(VOTE);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await vote({ variables: { input: { proposalId: proposal.id, position, reason: reason || null } } });
    await onVoted();
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t('charter.voteOn', { title: proposal.title })}>
      <label>
        {t('charter.position')}
        <select value={position} onChange={(e) => setPosition(e.target.value)}>
          {POSITIONS.map((p) => (
            <option key={p} value={p}>
              {t(`charter.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('charter.reason')}
        <input value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" disabled={loading}>
        {t('charter.vote')}
      </button>
    </form>
  );
}

/** Co-creating the charter: proposals with their tallies, votes with reasons, ratification by facilitators. */
export function Proposals({
  cohortId,
  facilitator,
  onRatified,
}: {
  cohortId: string;
  facilitator: boolean;
  onRatified: () => Promise<unknown>;
}) {
  const { t } = useI18n();
  const { data, error, refetch } = useQuery<{ normProposals: { edges: { node: Proposal }[] } }>(PROPOSALS, {
    variables: { cohortId },
  });
  const [propose] = useMutation(PROPOSE);
  const [ratify] = useMutation(RATIFY);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  if (error || !data) return <Loading error={error} />;
  const onPropose = async (event: FormEvent) => {
    event.preventDefault();
    await propose({ variables: { input: { cohortId, title, text } } });
    setTitle('');
    setText('');
    await refetch();
  };
  const onRatify = async (proposalId: string) => {
    setRefusal(null);
    try {
      await ratify({ variables: { input: { cohortId, proposalIds: [proposalId] } } });
      await onRatified();
    } catch (e) {
      setRefusal(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section aria-labelledby="proposals">
      <h2 id="proposals">{t('charter.proposals')}</h2>
      {refusal && (
        <p className="error" role="alert">
          {t('common.error', { message: refusal })}
        </p>
      )}
      <ul className="list">
        {data.normProposals.edges.map(({ node }) => (
          <li key={node.id}>
            <h3>{node.title}</h3>
            <p>{node.text}</p>
            <p className="muted">
              {t('charter.tally', { ...node.tally })} · {t(`charter.status.${node.status}`)}
            </p>
            {node.status === 'OPEN' && <Vote proposal={node} onVoted={refetch} />}
            {facilitator && node.status === 'OPEN' && (
              <button type="button" className="secondary" onClick={() => void onRatify(node.id)}>
                {t('charter.ratify', { title: node.title })}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void onPropose(e)} aria-labelledby="propose">
        <h3 id="propose">{t('charter.propose')}</h3>
        <label>
          {t('charter.normTitle')}
          <input required value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          {t('charter.normText')}
          <textarea required rows={3} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">{t('charter.proposeSubmit')}</button>
      </form>
    </section>
  );
}
