import { useI18n } from '../i18n/index.js';

/** What a page shows while it loads, or the server's refusal in words. */
export function Loading({ error }: { error?: { message: string } | null }) {
  const { t } = useI18n();
  if (error)
    return (
      <p className="error" role="alert">
        {t('common.error', { message: error.message })}
      </p>
    );
  return <p role="status">{t('common.loading')}</p>;
}
