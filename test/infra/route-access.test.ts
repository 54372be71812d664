import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { LambdaFunction } from '../../lib/lambda-function.ts';
import { SessionTable } from '../../lib/session-table.ts';

describe('the route access in a bundle', () => {
  it("holds the function's own route access, without the route list", () => {
    const stack = new Stack(new App(), 'RouteAccess');
    const { table } = new SessionTable(stack, 'Sessions');
    const { function: fn } = new LambdaFunction(stack, 'Session', {
      handlerName: 'get-session',
      table,
      tableActions: ['dynamodb:GetItem', 'dynamodb:Query'],
    });
    const staging = fn.node.findAll().find((child): child is AssetStaging => child instanceof AssetStaging);
    if (!staging) throw new Error('no bundle staged');
    const code = readFileSync(join(staging.absoluteStagedPath, 'index.mjs'), 'utf8');
    expect(code).toContain('{"handler":"get-session","secrets":["apiTokens"],"scope":"read"}');
    // other routes' paths and handlers: the list itself stayed out
    expect(code).not.toContain('/templates/{name}/{language}');
    expect(code).not.toContain('get-contact-messages');
  });
});
