import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSessionTable } from '../../bin/local/dynamodb-local.ts';
import { ingestWebhook } from '#ingestion/ingest-webhook';
import { tableStores } from '#test/stores';
import { parseWebhook } from '#webhook/parse';
import * as payloads from '../fixtures/payloads.ts';
import { expectValidEnvelopes } from '#test/event-schemas';
import { startEventListener, waitUntil, type EventListener } from '#test/event-listener';
import { testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';

/**
 * The local publisher is killed (SIGKILL: no clean-up) after it read a stream batch and while it
 * is delivering it. Its checkpoint moves only after delivery, so the restarted publisher delivers
 * those events again, with the same event ids.
 */
describe('the local publisher killed between reading and delivering', () => {
  const table = `events-kill-${randomBytes(4).toString('hex')}`;
  const checkpointFile = join(tmpdir(), `${table}.checkpoint.json`);
  let listener: EventListener;
  let publisher: ChildProcess | undefined;

  const startPublisher = async (): Promise<ChildProcess> => {
    const child = spawn('npx', ['tsx', 'bin/local/events/publisher-main.ts'], {
      env: {
        ...process.env,
        TABLE_NAME: table,
        EVENTS_URL: listener.url,
        EVENTS_API_KEY: 'kill-test-key',
        EVENTS_CHECKPOINT_FILE: checkpointFile,
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = await waitUntil(
      () => output.includes('event stream reader started') || child.exitCode !== null,
      30_000,
    );
    if (!started || child.exitCode !== null) throw new Error(`the publisher did not start: ${output}`);
    return child;
  };

  const kill = async (child: ChildProcess, signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(-child.pid, signal);
    await waitUntil(() => child.exitCode !== null || child.signalCode !== null, 10_000);
  };

  beforeAll(async () => {
    await createSessionTable(process.env.DYNAMODB_ENDPOINT as string, table, { timeToLive: false });
    listener = await startEventListener();
  });

  afterAll(async () => {
    if (publisher) await kill(publisher, 'SIGKILL');
    await listener.close();
  });

  it('delivers the undelivered events on restart, with the same event ids', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    listener.hold();
    publisher = await startPublisher();
    const stores = tableStores(testDocumentClient(), table);
    const now = Math.floor(Date.now() / 1000);
    const message = payloads.textMessage('deliver me once at least', { from: uniqueWaId(), timestamp: now });
    await ingestWebhook(
      parseWebhook(payloads.webhookBody(payloads.messagesChange({ phoneNumberId, messages: [message] }))),
      {
        stores,
        now,
        retentionDays: 30,
      },
    );

    // The batch is read and its first event is on the wire, unanswered: now the publisher dies.
    expect(await waitUntil(() => listener.held() >= 1, 10_000)).toBe(true);
    await kill(publisher, 'SIGKILL');
    expect(publisher.signalCode).toBe('SIGKILL');
    listener.release();
    expect(listener.events).toHaveLength(0);
    expect(listener.abandoned).toHaveLength(1);
    const checkpoint = existsSync(checkpointFile) ? (JSON.parse(readFileSync(checkpointFile, 'utf8')) as object) : {};
    expect(JSON.stringify(checkpoint)).not.toContain('"sequenceNumber"');

    publisher = await startPublisher();
    const types = () => listener.events.map((event) => event['detail-type']).sort();
    expect(await waitUntil(() => types().length >= 2, 15_000)).toBe(true);
    expect(types()).toEqual(['message.received', 'window.opened']);
    const abandonedId = listener.abandoned[0]?.detail.eventId;
    expect(listener.events.map((event) => event.detail.eventId)).toContain(abandonedId);
    expect(listener.events.find((event) => event['detail-type'] === 'message.received')?.detail.wamid).toBe(message.id);
    expectValidEnvelopes([...listener.events, ...listener.abandoned]);
    await kill(publisher, 'SIGTERM');
  }, 90_000);
});
