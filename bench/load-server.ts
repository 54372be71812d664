/**
 * The local server in a process of its own for the load test, so that autocannon (in the bench's
 * process) does not share its event loop. The environment (DynamoDB Local, table, secrets) comes
 * from the parent; the first line on stdout is `{"url": ...}`. When its stdin closes it lets the
 * invocations in flight finish (as Lambda would), then exits, so it never outlives the bench.
 */
import { importHandler, startLocalServer, type HandlerLoader } from '../bin/local/server.ts';

let inFlight = 0;
let drained: (() => void) | undefined;
const loadHandler: HandlerLoader = async (name) => {
  const handler = await importHandler(name);
  return async (event, context) => {
    inFlight++;
    try {
      return await handler(event, context);
    } finally {
      inFlight--;
      if (inFlight === 0) drained?.();
    }
  };
};

const { url } = await startLocalServer({ port: 0, loadHandler });
process.stdout.write(`${JSON.stringify({ url })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  const exit = () => process.exit(0);
  if (inFlight === 0) exit();
  drained = exit;
  // Bounded: a handler stuck beyond Lambda's own limit does not keep the bench waiting.
  setTimeout(exit, 30_000).unref();
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
