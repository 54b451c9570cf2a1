import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { en, type MessageKey } from './en.js';
import { fr } from './fr.js';

/** Message catalogues by language code; a ministry adds its language here. */
const CATALOGUES: Record<string, Partial<Record<MessageKey, string>>> = { en, fr };
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'fr', name: 'Français' },
];

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const I18n = createContext<{ language: string; setLanguage: (code: string) => void; t: Translate } | null>(null);

function initialLanguage(): string {
  const saved = localStorage.getItem('convene.language');
  if (saved && CATALOGUES[saved]) return saved;
  const browser = navigator.language.slice(0, 2);
  return CATALOGUES[browser] ? browser : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState(initialLanguage);
  const value = useMemo(() => {
    const catalogue = CATALOGUES[language] ?? en;
    const t: Translate = (key, values = {}) =>
      (catalogue[key] ?? en[key]).replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
    const setLanguage = (code: string) => {
      localStorage.setItem('convene.language', code);
      document.documentElement.lang = code;
      setLanguageState(code);
    };
    document.documentElement.lang = language;
    return { language, setLanguage, t };
  }, [language]);
  return <I18n.Provider value={value}>{children}</I18n.Provider>;
}

export function useI18n() {
  const context = useContext(I18n);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}

/** A time in the viewer's own time zone and language. */
export function formatTime(iso: string, language: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}
