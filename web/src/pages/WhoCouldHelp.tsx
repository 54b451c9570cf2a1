import { useLazyQuery, useMutation } from '@apollo/client/react';
import { gql } from '@apollo/client';
import { type FormEvent, useState } from 'react';
import { Checkboxes, InlineError } from '../components.js';
import { useI18n } from '../i18n/index.js';

const SUGGESTIONS = gql`
  query WhoCouldHelp($needId: ID) {
    whoCouldHelp(needId: $needId, first: 5) {
      id
      alreadyAsked
      matchedAreas {
        code
        name
      }
      member {
        id
        ministry
        country
        user {
          displayName
        }
      }
    }
  }
`;

const ASK = gql`
  mutation AskForHelp($input: AskForHelpInput!) {
    askForHelp(input: $input)
  }
`;

interface Suggestion {
  id: string;
  alreadyAsked: boolean;
  matchedAreas: { code: string; name: string }[];
  member: { id: string; ministry: string; country: string; user: { displayName: string } } | null;
}

/**
 * Peers whose expertise matches a need, and a way to ask them. Under an anonymous charter the
 * server sends no names, so the client shows "A participant".
 */
export function WhoCouldHelp({ needId, title }: { needId: string; title: string }) {
  const { t } = useI18n();
  const [load, suggestions] = useLazyQuery<{ whoCouldHelp: Suggestion[] }>(SUGGESTIONS, {
    fetchPolicy: 'network-only',
  });
  const [ask, asking] = useMutation<{ askForHelp: number }>(ASK);
  const [chosen, setChosen] = useState<string[]>([]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await ask({ variables: { input: { needId, suggestionIds: chosen } } });
    setChosen([]);
  };
  if (!suggestions.called)
    return (
      <button type="button" className="secondary" onClick={() => void load({ variables: { needId } })}>
        {t('help.find')}
      </button>
    );
  const found = suggestions.data?.whoCouldHelp ?? [];
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t('help.for', { title })}>
      <InlineError error={suggestions.error} />
      {suggestions.data && found.length === 0 && <p>{t('help.none')}</p>}
      {found.length > 0 && (
        <Checkboxes
          legend={t('help.legend')}
          items={found.map((suggestion) => ({
            id: suggestion.id,
            label: (
              <>
                {suggestion.member
                  ? [suggestion.member.user.displayName, suggestion.member.ministry, suggestion.member.country].join(
                      ' · ',
                    )
                  : t('thread.anonymous')}
                {suggestion.matchedAreas.length > 0 && (
                  <span className="muted"> ({suggestion.matchedAreas.map((a) => a.name).join(', ')})</span>
                )}
                {suggestion.alreadyAsked && <span className="muted"> · {t('help.alreadyAsked')}</span>}
              </>
            ),
          }))}
          chosen={chosen}
          onChange={setChosen}
        />
      )}
      <InlineError error={asking.error} />
      {asking.data && !asking.loading && <p role="status">{t('help.asked', { count: asking.data.askForHelp })}</p>}
      {found.length > 0 && (
        <button type="submit" disabled={chosen.length === 0 || asking.loading}>
          {t('help.ask')}
        </button>
      )}
    </form>
  );
}
