import { stagedBundle } from '../support/staged-bundle.ts';

describe('the route access in a bundle', () => {
  it("holds the function's own route access, without the route list", () => {
    const code = stagedBundle('get-session', ['dynamodb:GetItem', 'dynamodb:Query']);
    expect(code).toContain('{"handler":"get-session","secrets":["apiTokens"],"scope":"read"}');
    // other routes' paths and handlers: the list itself stayed out
    expect(code).not.toContain('/templates/{name}/{language}');
    expect(code).not.toContain('get-contact-messages');
  });
});
