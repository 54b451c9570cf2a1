const CALENDAR_SECRET = /\/calendar\/[^/?#]+/g;
const TOKEN_PARAMETER = /([?&](?:token|access_token|auth)=)[^&#]*/gi;

/**
 * A calendar feed's URL is its credential, and a client may put a token in a query string: request
 * logs keep the route, not the secrets. Route params and the parsed query are dropped, since they
 * repeat parts of the URL.
 */
export function withoutUrlSecrets<R extends { url?: string; params?: unknown; query?: unknown }>(
  req: R,
): Omit<R, 'params' | 'query'> {
  const { params: _params, query: _query, ...rest } = req;
  return {
    ...rest,
    url: req.url?.replace(CALENDAR_SECRET, '/calendar/[secret]').replace(TOKEN_PARAMETER, '$1[secret]'),
  };
}
