import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import type { TableAction } from '../../functions/routes.ts';
import { LambdaFunction } from '../../lib/lambda-function.ts';
import { SessionTable } from '../../lib/session-table.ts';

/** The code of one function as the stack's construct stages it (lib/lambda-function.ts's own esbuild run). */
export const stagedBundle = (handlerName: string, tableActions: readonly TableAction[] = []): string => {
  const stack = new Stack(new App(), 'Staged');
  const { table } = new SessionTable(stack, 'Sessions');
  const { function: fn } = new LambdaFunction(stack, 'Function', { handlerName, table, tableActions });
  const staging = fn.node.findAll().find((child): child is AssetStaging => child instanceof AssetStaging);
  if (!staging) throw new Error(`no bundle staged for ${handlerName}`);
  return readFileSync(join(staging.absoluteStagedPath, 'index.mjs'), 'utf8');
};
