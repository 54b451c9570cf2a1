const CALENDAR_SECRET = /\/calendar\/[^/?#]+/g;

/**
 * A calendar feed's URL is its credential: request logs keep the route, not the secret. Route
 * params are dropped too, since they repeat parts of the path (the secret among them).
 */
export function withoutUrlSecrets<R extends { url?: string; params?: unknown }>(req: R): Omit<R, 'params'> {
  const { params: _params, ...rest } = req;
  return { ...rest, url: req.url?.replace(CALENDAR_SECRET, '/calendar/[secret]') };
}
