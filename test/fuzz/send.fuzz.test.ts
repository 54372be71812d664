import { apiEvent, invoke } from '#test/api-event';
import { hostileValues, slotMutations, slots, type Json, type SlotMutation } from '#test/fuzz';
import fc from 'fast-check';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox/index.ts';
import { createHandler, type SendHandlerDeps } from '../../functions/send-message/index.ts';
import * as payloads from '../fixtures/payloads.ts';
import { documentClient } from '#clients/dynamodb';
import { pairRateLimit } from '#domain/pacing';
import { tableStores } from '../support/stores.ts';
import { uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { sendHandlerDeps, testGraphClient } from '#test/send-route';
import { webhookHarness } from '#test/webhook';

/**
 * Property-based fuzzing of POST /messages (the real handler, the sandbox as Meta) with hostile
 * bodies: valid send bodies of every type, mutated (fields wrongly typed, dropped, duplicated,
 * huge, deeply nested, prototype keys), cut short, or not JSON at all, with odd Idempotency-Keys.
 * Whatever the body: never a 5xx; every refusal is a 4xx with an UPPER_SNAKE error code; and no
 * refused body ever reached Meta (the Graph client is counted).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const ACCESS_TOKEN = 'fuzz-access-token';
const API_TOKEN = 'fuzz-api-token';
const NOW = Math.floor(Date.now() / 1000);

const phoneNumberId = uniquePhoneNumberId();
/** wrote a minute ago: its window is open, so free-form sends to it may go through */
const writer = uniqueWaId();
const TEMPLATE = `fuzz_order_${writer}`;

let sandbox: Sandbox;
let graphCalls = 0;
let handler: ReturnType<typeof createHandler>;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    appSecret: 'fuzz-app-secret',
    accessToken: ACCESS_TOKEN,
    // Statuses are not what is fuzzed here: scheduled far out, cancelled by close().
    webhookUrl: 'http://127.0.0.1:9/webhook',
    delaysMs: { sent: 600_000, delivered: 0, read: 0 },
    log: () => undefined,
  });
  const graph = testGraphClient(sandbox.url, ACCESS_TOKEN);
  const stores = tableStores(documentClient);
  const counted: SendHandlerDeps['graph'] = {
    sendMessage: (...args) => {
      graphCalls++;
      return graph.sendMessage(...args);
    },
    markRead: (...args) => {
      graphCalls++;
      return graph.markRead(...args);
    },
  };
  handler = createHandler(
    sendHandlerDeps(
      { stores, graph: counted, accessToken: ACCESS_TOKEN, apiToken: API_TOKEN },
      {
        // Wide limits: pacing refusals are legitimate 429s, but would hide what the body does.
        pacing: { messagesPerSecond: 100_000, pair: pairRateLimit(1, 100_000) },
        defaultPhoneNumberId: () => phoneNumberId,
      },
    ),
  );
  await stores.templates.registerTemplate(
    {
      name: TEMPLATE,
      language: 'en_US',
      category: 'utility',
      status: 'APPROVED',
      components: [{ type: 'BODY', text: 'Your order {{1}} has shipped.' }],
    },
    NOW,
  );
  const inbound = await webhookHarness({ now: NOW }).post(
    payloads.webhookBody(
      payloads.messagesChange({
        phoneNumberId,
        messages: [payloads.textMessage('hi', { from: writer, timestamp: NOW - 60 })],
      }),
    ),
  );
  expect(inbound.status).toBe(200);
});

afterAll(async () => {
  await sandbox.close();
});

const post = async (body: string, headers: Record<string, string>) => {
  const event = apiEvent('POST /messages', { path: '/messages', token: API_TOKEN, headers, body });
  const { status, body: answer } = await invoke(handler, event, { functionName: 'send-message' });
  return { status, body: answer };
};

/** Meta's send bodies, one per type (whatsapp-platform.md §4). */
const validBodies = (to: string): Json[] => [
  { to, type: 'text', text: { body: 'Your order is ready.' } },
  { to, type: 'text', text: { body: 'See https://example.com', preview_url: true } },
  {
    to: uniqueWaId(),
    type: 'template',
    template: {
      name: TEMPLATE,
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-1042' }] }],
    },
  },
  { to, type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'Front' } },
  { to, type: 'document', document: { id: '1215428679652937', filename: 'invoice.pdf' } },
  { to, type: 'audio', audio: { id: '1016175133672811' } },
  { to, type: 'video', video: { link: 'https://example.com/a.mp4' } },
  { to, type: 'sticker', sticker: { id: '1353271369244536' } },
  { to, type: 'location', location: { latitude: 37.48, longitude: -122.14, name: 'Philz', address: '101 Forest Ave' } },
  {
    to,
    type: 'contacts',
    contacts: [
      { name: { formatted_name: 'Barbara J. Johnson', first_name: 'Barbara' }, phones: [{ phone: '+1 940 555 1234' }] },
    ],
  },
  {
    to,
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: 'Confirm?' },
      action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] },
    },
  },
  {
    to,
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: 'Pick a slot' },
      action: { button: 'Slots', sections: [{ title: 'Tomorrow', rows: [{ id: 's1', title: '09:30' }] }] },
    },
  },
  { to, type: 'reaction', reaction: { message_id: payloads.BUSINESS_WAMID, emoji: '\u{1F44D}' } },
  { to: `+${to}`, type: 'text', text: { body: 'With a plus' }, phoneNumberId },
];

const hostileValue = hostileValues(40, 300, { min: 10, max: 800 }, [
  '',
  ' ',
  '+',
  '0',
  '+0',
  'US.',
  'US.1',
  '1'.repeat(40),
  'en_US',
  'TEXT',
  '__proto__',
  '{{1}}',
]);

type Mutation = SlotMutation | { kind: 'add'; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = slotMutations(hostileValue, [
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      key: fc.oneof(
        fc.string(),
        fc.constantFrom('type', 'to', 'messaging_product', 'recipient_type', 'status', 'context'),
      ),
      value: hostileValue,
    }),
  },
]);

type Recipe =
  | { kind: 'mutated'; index: number; changes: Mutation[]; cut: number | undefined }
  | { kind: 'any'; value: Json }
  | { kind: 'text'; text: string }
  | { kind: 'nested'; depth: number };

const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      index: fc.nat(),
      changes: fc.array(mutation, { maxLength: 3 }),
      // Now and then the body is cut short.
      cut: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('any' as const), value: fc.jsonValue() as fc.Arbitrary<Json> }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.string({ unit: 'binary' }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('nested' as const), depth: fc.integer({ min: 1, max: 20_000 }) }),
  },
);

const bodyOf = (input: Recipe): string => {
  switch (input.kind) {
    case 'any':
      return JSON.stringify(input.value);
    case 'text':
      return input.text;
    case 'nested': {
      // As text, so that any depth can be built: JSON.parse takes it, JSON.stringify could not.
      const open: string[] = [];
      const close: string[] = [];
      for (let i = 0; i < input.depth; i++) {
        open.push(i % 2 ? '[' : '{"to":');
        close.push(i % 2 ? ']' : '}');
      }
      return `${open.join('')}"1"${close.reverse().join('')}`;
    }
    case 'mutated': {
      const bodies = validBodies(writer);
      const body = bodies[input.index % bodies.length] as Json;
      for (const change of input.changes) {
        const all = slots(body);
        if (change.kind === 'add') {
          if (body && typeof body === 'object' && !Array.isArray(body)) body[change.key] = change.value;
          continue;
        }
        const slot = all[change.at % Math.max(1, all.length)];
        if (!slot) continue;
        const parent = slot.parent as Record<string | number, Json>;
        if (change.kind === 'replace') parent[slot.key] = change.value;
        else if (change.kind === 'delete') {
          if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
          else delete parent[slot.key];
        } else if (change.kind === 'duplicate' && Array.isArray(slot.parent)) {
          slot.parent.push(structuredClone(parent[slot.key] as Json));
        } else if (change.kind === 'proto') {
          const target = parent[slot.key];
          if (target && typeof target === 'object' && !Array.isArray(target)) {
            parent[slot.key] = JSON.parse(
              `{"__proto__":{"to":"1555"},"constructor":{"prototype":{"type":"text"}},${JSON.stringify(target).slice(1)}`.replace(
                ',}',
                '}',
              ),
            ) as Json;
          }
        }
      }
      const text = JSON.stringify(body) ?? 'null';
      return input.cut === undefined ? text : text.slice(0, Math.floor(text.length * input.cut));
    }
  }
};

const idempotencyKey = fc.option(
  fc.oneof(
    fc.uuid(),
    fc.string({ minLength: 1 }),
    fc.integer({ min: 1, max: 64 }).map((kb) => 'k'.repeat(kb * 1024)),
  ),
  { nil: undefined, freq: 3 },
);

describe('POST /messages fuzzed with hostile bodies', () => {
  it('answers a 4xx with an error code, never a 5xx, and never calls Meta for a refused body', async () => {
    let refused = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(recipe, idempotencyKey, async (input, key) => {
        const body = bodyOf(input);
        const before = graphCalls;
        // A fresh key per run: the same key with another body is a legitimate 422 of its own.
        const headers: Record<string, string> =
          key === undefined ? {} : { 'idempotency-key': `${key}-${Math.random()}` };
        const answer = await post(body, headers);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) {
          refused++;
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(String((answer.body.error as { code?: unknown } | undefined)?.code)).toMatch(/^[A-Z][A-Z0-9_]+$/);
          expect(graphCalls).toBe(before);
        } else {
          accepted++;
          expect(answer.status).toBe(200);
          expect(answer.body).toMatchObject({ status: 'accepted' });
          expect(graphCalls).toBe(before + 1);
        }
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: false },
    );
    // Both sides of the property were exercised.
    expect(refused).toBeGreaterThan(RUNS / 4);
    expect(accepted).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a missing or wrong token before reading the body', async () => {
    for (const authorization of ['', 'Bearer', 'Bearer wrong', `Basic ${API_TOKEN}`, `Bearer ${API_TOKEN}x`]) {
      const before = graphCalls;
      const answer = await post(JSON.stringify(validBodies(writer)[0]), { authorization });
      expect(answer).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
      expect(graphCalls).toBe(before);
    }
  });

  it('refuses a 5 MB body with a 4xx', async () => {
    const before = graphCalls;
    const answer = await post(
      JSON.stringify({ to: writer, type: 'text', text: { body: 'z'.repeat(5 * 1024 * 1024) } }),
      {},
    );
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'TEXT_TOO_LONG' } } });
    expect(graphCalls).toBe(before);
  });
});
