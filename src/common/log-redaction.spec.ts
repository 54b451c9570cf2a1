import { withoutUrlSecrets } from './log-redaction.js';

describe('request log redaction', () => {
  it('keeps the calendar route and drops its secret', () => {
    const logged = withoutUrlSecrets({
      method: 'GET',
      url: '/calendar/cal_s3cr3tValue.ics?x=1',
      params: { splat: ['calendar', 'cal_s3cr3tValue.ics'] },
    });
    expect(logged).toEqual({ method: 'GET', url: '/calendar/[secret]?x=1' });
  });

  it('masks tokens put in a query string', () => {
    expect(withoutUrlSecrets({ url: '/graphql?token=cvn_abc&x=1', query: { token: 'cvn_abc' } })).toEqual({
      url: '/graphql?token=[secret]&x=1',
    });
  });

  it('leaves other URLs alone', () => {
    expect(withoutUrlSecrets({ url: '/graphql' }).url).toBe('/graphql');
  });
});
