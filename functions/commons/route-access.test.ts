import { routeAccess, routeAccessDefine } from './route-access';

describe('routeAccess', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads the route list under tsx and jest', () => {
    delete process.env.ENGINE_ROUTE_ACCESS;
    expect(routeAccess('get-session')).toEqual({ handler: 'get-session', secrets: ['apiTokens'], scope: 'read' });
    expect(routeAccess('webhook')).toEqual({ handler: 'webhook', secrets: ['appSecret'] });
    expect(routeAccess('send-message')).toEqual({
      handler: 'send-message',
      secrets: ['apiTokens', 'accessToken'],
      scope: 'send',
    });
  });

  it("reads in a bundle what the stack compiled in, and refuses another handler's", () => {
    const define = routeAccessDefine('put-template');
    process.env.ENGINE_ROUTE_ACCESS = JSON.parse(define['process.env.ENGINE_ROUTE_ACCESS'] as string) as string;
    expect(routeAccess('put-template')).toEqual({ handler: 'put-template', secrets: ['apiTokens'], scope: 'admin' });
    expect(() => routeAccess('get-session')).toThrow('this bundle serves functions/put-template, not get-session');
  });

  it('defines nothing for a function that serves no route', () => {
    expect(routeAccessDefine('cost-report')).toEqual({});
  });
});
