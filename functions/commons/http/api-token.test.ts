import { authorize, parseApiToken } from './api-token';

describe('API token entries', () => {
  it('gives an entry without scopes every scope, and a scoped one only its own', () => {
    expect(parseApiToken('abc')).toEqual({ token: 'abc', scopes: ['read', 'send', 'admin'] });
    expect(parseApiToken('abc:read+send')).toEqual({ token: 'abc', scopes: ['read', 'send'] });
    expect(parseApiToken('abc:admin')).toEqual({ token: 'abc', scopes: ['admin'] });
  });

  it('lets an entry naming an unknown scope do nothing', () => {
    expect(parseApiToken('abc:reed')).toEqual({ token: 'abc', scopes: [] });
    expect(parseApiToken('abc:read+')).toEqual({ token: 'abc', scopes: [] });
    expect(authorize('Bearer abc', ['abc:reed'], 'read')).toBe('forbidden');
  });

  it('decides 401 and 403 apart', () => {
    const entries = ['all-token', 'reader:read', 'sender:send'];
    expect(authorize(undefined, entries, 'read')).toBe('unauthenticated');
    expect(authorize('Bearer nope', entries, 'read')).toBe('unauthenticated');
    expect(authorize('Bearer reader:read', entries, 'read')).toBe('unauthenticated');
    expect(authorize('reader', entries, 'read')).toBe('unauthenticated');
    expect(authorize('Bearer reader', entries, 'read')).toBe('allowed');
    expect(authorize('bearer  reader ', entries, 'read')).toBe('allowed');
    expect(authorize('Bearer reader', entries, 'send')).toBe('forbidden');
    expect(authorize('Bearer sender', entries, 'send')).toBe('allowed');
    expect(authorize('Bearer all-token', entries, 'admin')).toBe('allowed');
  });

  it('refuses everything while no token is configured', () => {
    expect(authorize('Bearer ', [], 'read')).toBe('unauthenticated');
    expect(authorize('Bearer x', [], 'read')).toBe('unauthenticated');
    expect(authorize('Bearer x', [''], 'read')).toBe('unauthenticated');
  });
});
