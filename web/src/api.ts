import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';

/** Where this browser keeps the bearer token (every tab of it shares one). */
export const TOKEN_KEY = 'convene.token';

export const session = {
  token: (): string | null => localStorage.getItem(TOKEN_KEY),
  signIn(token: string): void {
    localStorage.setItem(TOKEN_KEY, token);
  },
  signOut(): void {
    localStorage.removeItem(TOKEN_KEY);
  },
};

/** Apollo Client on the same origin's `/graphql`, with the bearer token of this browser. */
export const client = new ApolloClient({
  link: new HttpLink({
    uri: '/graphql',
    fetch: (input, init) => {
      const token = session.token();
      const headers = new Headers(init?.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
  }),
  cache: new InMemoryCache(),
  // A page shows what it has at once and asks the server again: what others did meanwhile shows.
  defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
});

/** The error code the server sent (`extensions.code`), if any. */
export function errorCode(error: unknown): string | undefined {
  const errors = (error as { errors?: { extensions?: { code?: string } }[] } | null)?.errors;
  return errors?.[0]?.extensions?.code;
}
