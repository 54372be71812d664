import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDocumentClient, uniquePhoneNumberId } from '#test/environment';
import { waitUntil } from '#test/event-listener';
import { backlogPost, eventually, freshTable, ingestedState, messageCount, webhookOn } from '#test/big-webhook';

/**
 * Acceptance 4 of the big-POST path: the processor (apply-webhook-batch under the local stream
 * reader, in a process of its own) is killed with SIGKILL while it applies a chunk; Meta redelivers
 * the POST; the restarted processor gets the chunk again from its checkpoint. Every event ends
 * applied exactly once: the table is what the synchronous path makes of the same POST.
 */
describe('apply-webhook-batch killed mid-batch', () => {
  const now = Math.floor(Date.now() / 1000);
  let processor: ChildProcess | undefined;
  let output = '';

  const start = (table: string, checkpointFile: string): Promise<ChildProcess> => {
    output = '';
    const child = spawn('npx', ['tsx', 'bin/local/events/webhook-batches-main.ts'], {
      env: { ...process.env, TABLE_NAME: table, WEBHOOK_BATCHES_CHECKPOINT_FILE: checkpointFile },
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return waitUntil(() => output.includes('event stream reader started') || child.exitCode !== null, 30_000).then(
      (started) => {
        if (!started || child.exitCode !== null) throw new Error(`the processor did not start: ${output}`);
        return child;
      },
    );
  };

  const kill = async (child: ChildProcess) => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
    await waitUntil(() => child.exitCode !== null || child.signalCode !== null, 10_000);
  };

  afterAll(async () => {
    if (processor) await kill(processor);
  });

  it('ends with every event of a 1,000-update POST applied exactly once', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const post = backlogPost({ phoneNumberId, now, users: 200, inbound: 400, templates: 200 });
    expect(post.events).toBe(1000);
    const [reference, table] = [await freshTable('kill-sync'), await freshTable('kill-batches')];
    const client = testDocumentClient();
    await post.seed(client, reference);
    await post.seed(client, table);
    await webhookOn(reference, { now })(post.body);
    const expected = await ingestedState(reference);
    const seeded = 200;
    const total = seeded + 400;

    const webhook = webhookOn(table, { now, aboveEvents: 50 });
    expect((await webhook(post.body)).body).toMatchObject({ received: 1000, deferred: 1000, chunks: 4 });

    const checkpointFile = join(tmpdir(), `${table}.batches.json`);
    processor = await start(table, checkpointFile);
    // Some events of the first chunk are written, and no chunk has been reported done: kill now.
    let applied = 0;
    const midChunk = await eventually(
      async () => {
        applied = await messageCount(table);
        return applied > seeded && !output.includes('webhook batch chunk applied');
      },
      60_000,
      20,
    );
    await kill(processor);
    expect(midChunk).toBe(true);
    expect(await messageCount(table)).toBeLessThan(total);

    // Meta redelivers the POST meanwhile: recognised, nothing written again.
    expect((await webhook(post.body)).body).toMatchObject({ received: 1000, deferred: 0, duplicates: 1000 });

    processor = await start(table, checkpointFile);
    expect(await eventually(async () => (await messageCount(table)) === total, 120_000, 200)).toBe(true);
    // The rest of the stream is worked off too: all four chunks reported applied after the restart.
    expect(await waitUntil(() => output.split('webhook batch chunk applied').length - 1 >= 4, 120_000)).toBe(true);
    expect(await ingestedState(table)).toEqual(expected);
  }, 600_000); // its own waits (start 2 × 30 s, mid-chunk 60 s, catch-up 2 × 120 s) bound it; this only keeps jest from cutting them short on a loaded CI machine
});
