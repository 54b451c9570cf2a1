import { useEffect, useState } from 'react';

/** Hash routes (`#/threads/<id>`): the server serves one page, and links work without it knowing them. */
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export const href = (...parts: string[]) => `#/${parts.join('/')}`;

export function go(...parts: string[]): void {
  window.location.hash = href(...parts);
}
