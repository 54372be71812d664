import { readdirSync, readFileSync } from 'node:fs';
import { hostileValues, slotMutations, slots, type Json, type SlotMutation } from '#test/fuzz';
import { fileURLToPath } from 'node:url';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import * as payloads from '../fixtures/payloads.ts';
import type { BillingUnit, ConversationRecord } from '#domain/delivery';
import { keys, shardOf, type UnitKind } from '#store/keys';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { seedOutboundMessage, signedEvent, webhookHarness } from '#test/webhook';

/**
 * Property-based fuzzing of POST /webhook with validly signed bodies: the real builders and Meta's
 * own payloads (test/fixtures/meta), then mutated (values replaced by wrongly typed, huge or deeply
 * nested ones, keys dropped, items duplicated, the body truncated). Whatever arrives, storage being
 * healthy: no crash, no 5xx, and no partial write: a stored inbound message has its window moved,
 * and every aggregate cell holds exactly the units its messages say they hold (nothing moved twice).
 */
const NOW = 1_780_000_000;
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const harness = webhookHarness({ now: NOW });
const client = testDocumentClient();

const fixtures = (() => {
  const dir = fileURLToPath(new URL('../fixtures/meta/', import.meta.url));
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && name !== 'signature_vectors.json')
    .map((name) => JSON.parse(readFileSync(`${dir}${name}`, 'utf8')) as Json);
})();

const hostileValue = hostileValues(50, 150, { min: 10, max: 900 }, [
  '',
  ' ',
  '0',
  '-1',
  '1e308',
  '9'.repeat(40),
  'wamid.',
  '__proto__',
  'constructor',
  'null',
]);

/** Changes to the parsed payload, applied in order. */
type Mutation = SlotMutation | { kind: 'retype'; at: number };

/** Then at most one change to the serialized body. */
type Finish = { kind: 'none' } | { kind: 'truncate'; fraction: number } | { kind: 'nest'; depth: number };

const mutation: fc.Arbitrary<Mutation> = slotMutations(hostileValue, [
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retype' as const), at: fc.nat() }) },
]);

const finish: fc.Arbitrary<Finish> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncate' as const),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  // Up to 1,000 levels here; 10,000 levels have examples of their own below.
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('nest' as const), depth: fc.integer({ min: 1, max: 1_000 }) }),
  },
);

type Base =
  | { kind: 'inbound'; messages: number; type: number }
  | { kind: 'statuses'; statuses: string[] }
  | { kind: 'mixed' }
  | { kind: 'template' }
  | { kind: 'fixture'; index: number };

const STATUS = ['sent', 'delivered', 'read', 'played', 'failed'];
const base: fc.Arbitrary<Base> = fc.oneof(
  fc.record({
    kind: fc.constant('inbound' as const),
    messages: fc.integer({ min: 1, max: 30 }),
    type: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('statuses' as const),
    statuses: fc.array(fc.constantFrom(...STATUS), { minLength: 1, maxLength: 4 }),
  }),
  fc.constant({ kind: 'mixed' as const }),
  fc.constant({ kind: 'template' as const }),
  fc.record({ kind: fc.constant('fixture' as const), index: fc.nat({ max: fixtures.length - 1 }) }),
);

/** Inbound message builders, each taking the sender and timestamp. */
const MESSAGE_BUILDERS = [
  (options: object) => payloads.textMessage('Does it come in another color?', options),
  payloads.imageMessage,
  payloads.locationMessage,
  payloads.contactsMessage,
  payloads.reactionMessage.bind(null, payloads.BUSINESS_WAMID, '\u{1F44D}'),
  payloads.buttonReplyMessage.bind(null, payloads.BUSINESS_WAMID),
  payloads.orderMessage,
  payloads.customerChangedNumberMessage.bind(null, '16505559999'),
  payloads.unsupportedMessage,
  payloads.referralTextMessage,
] as Array<(...args: never[]) => payloads.Json>;

interface Built {
  payload: Json;
  phoneNumberId: string;
  /** business messages recorded by "the send API" before the POST */
  outbound: string[];
}

/** A fresh, realistic body for one run: new business number, users and message ids. */
const build = async (recipe: Base): Promise<Built> => {
  const phoneNumberId = uniquePhoneNumberId();
  const waId = uniqueWaId();
  const timestamp = NOW - 600;
  const change = (input: payloads.MessagesChangeInput) =>
    payloads.webhookBody(payloads.messagesChange({ phoneNumberId, ...input })) as Json;
  const seeded = async (count: number, kind: 'template' | 'free-form') => {
    const ids = Array.from({ length: count }, () => payloads.wamid());
    for (const id of ids) {
      await seedOutboundMessage(harness.stores, {
        id,
        phoneNumberId,
        waId,
        kind,
        ...(kind === 'template' ? { templateCategory: 'marketing' } : {}),
      });
    }
    return ids;
  };
  switch (recipe.kind) {
    case 'inbound': {
      const messages = Array.from({ length: recipe.messages }, (_, i) => {
        const make = MESSAGE_BUILDERS[(recipe.type + i) % MESSAGE_BUILDERS.length] as (
          options: object,
        ) => payloads.Json;
        return make({ from: i % 3 === 0 ? waId : uniqueWaId(), timestamp: timestamp + i });
      });
      return {
        payload: change({ contacts: [payloads.contact({ waId, name: 'Fuzz' })], messages }),
        phoneNumberId,
        outbound: [],
      };
    }
    case 'statuses': {
      const [template] = await seeded(1, 'template');
      const statuses = recipe.statuses.map((status, i) =>
        payloads.statusUpdate({
          id: template as string,
          status,
          recipientId: waId,
          timestamp: timestamp + i,
          ...(status === 'failed' ? { errors: [payloads.reEngagementError()] } : {}),
          ...(i % 2 ? { pricing: payloads.pricing('utility') } : {}),
        }),
      );
      return { payload: change({ statuses }), phoneNumberId, outbound: [template as string] };
    }
    case 'mixed': {
      const ids = await seeded(2, 'template');
      return {
        payload: change({
          contacts: [payloads.contact({ waId, name: 'Fuzz' })],
          messages: [payloads.textMessage('hello', { from: waId, timestamp })],
          statuses: ids.map((id) =>
            payloads.statusUpdate({ id, status: 'delivered', recipientId: waId, timestamp: timestamp + 1 }),
          ),
        }),
        phoneNumberId,
        outbound: ids,
      };
    }
    case 'template':
      return {
        payload: payloads.webhookBody([
          payloads.templateStatusChange({ name: `fuzz_${waId}` }),
          payloads.templateCategoryChange({ name: `fuzz_${waId}` }),
          payloads.volumeTierAccountUpdate(),
        ]) as Json,
        phoneNumberId,
        outbound: [],
      };
    case 'fixture': {
      // Meta's payloads with our fresh number and ids in place of theirs.
      const text = JSON.stringify(fixtures[recipe.index])
        .replaceAll(/"phone_number_id":"\d+"/g, `"phone_number_id":"${phoneNumberId}"`)
        .replaceAll(/"id":"(wamid\.[^"]+|ABGGFlA5Fpa)"/g, () => `"id":"${payloads.wamid()}"`);
      return { payload: JSON.parse(text) as Json, phoneNumberId, outbound: [] };
    }
  }
};

const retype = (value: Json): Json => {
  if (typeof value === 'string') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : [value];
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value[0] ?? {};
  if (value && typeof value === 'object') return [value];
  return value === null ? {} : String(value);
};

/**
 * Where a hostile string may go whole. Ids (they end up in DynamoDB keys) get at most 100
 * characters and a suffix unique to the run; other short fields at most 100 characters; only
 * free text gets the big ones. Longer ids, items over DynamoDB's 400 KB, and an id shared by an
 * inbound and a business message have examples of their own below.
 */
const ID_FIELD =
  /^(id|from|from_user_id|recipient_id|recipient_user_id|wa_id|user_id|message_id|phone_number_id|message_template_name|message_template_language)$/;
const FREE_TEXT =
  /^(body|caption|filename|title|message|details|name|address|headline|description|text|payload|response_json|formatted_name|first_name|last_name|email|company)$/;
const fit = (key: string | number, value: Json, run: string): Json => {
  if (typeof value !== 'string') return value;
  if (ID_FIELD.test(String(key))) return value === '' ? '' : `${value.slice(0, 100)}.${run}`;
  return FREE_TEXT.test(String(key)) ? value : value.slice(0, 100);
};

/** Applies one change to the payload in place. */
const mutate = (payload: Json, change: Mutation, run: string): void => {
  const all = slots(payload);
  const slot = all.length > 0 && 'at' in change ? all[change.at % all.length] : undefined;
  const get = () => (slot ? ((slot.parent as Record<string | number, Json>)[slot.key] as Json) : null);
  const set = (value: Json) => {
    if (slot) (slot.parent as Record<string | number, Json>)[slot.key] = value;
  };
  switch (change.kind) {
    case 'replace':
      if (slot) set(fit(slot.key, change.value, run));
      break;
    case 'delete':
      if (slot && Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
      else if (slot) delete (slot.parent as Record<string, Json>)[slot.key];
      break;
    case 'duplicate':
      if (slot && Array.isArray(slot.parent)) slot.parent.push(structuredClone(get()));
      break;
    case 'retype':
      set(retype(get()));
      break;
    case 'proto':
      if (slot && !Array.isArray(slot.parent) && typeof get() === 'object' && get() !== null) {
        const text = JSON.stringify(get()).replace(
          /^\{/,
          '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},',
        );
        set(JSON.parse(text.replace(/,}$/, '}')) as Json);
      }
      break;
  }
};

/** Wraps a serialized body in `depth` levels of objects and arrays, as text (no recursion, any depth). */
const nestText = (text: string, depth: number): string => {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    open.push(i % 2 ? '[' : '{"a":');
    close.push(i % 2 ? ']' : '}');
  }
  return `${open.join('')}${text}${close.reverse().join('')}`;
};

/** The body as signed and posted: the payload mutated, serialized, and maybe cut short or nested. */
const serialize = (payload: Json, changes: Mutation[], end: Finish, run: string): string => {
  for (const change of changes) mutate(payload, change, run);
  const text = JSON.stringify(payload) ?? 'null';
  if (end.kind === 'truncate') return text.slice(0, Math.floor(text.length * end.fraction));
  if (end.kind === 'nest') return nestText(text, end.depth);
  return text;
};

const readItems = async (keyList: Array<{ pk: string; sk: string }>) => {
  const items = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(keyList.map((key) => [`${key.pk}|${key.sk}`, key])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Array<Record<string, unknown>>; ConsistentRead: boolean }> | undefined = {
      [TEST_TABLE_NAME]: { Keys: unique.slice(i, i + 100), ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0 && attempt < 10; attempt++) {
      const answer = await client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of answer.Responses?.[TEST_TABLE_NAME] ?? []) items.set(`${item.pk}|${item.sk}`, item);
      request = answer.UnprocessedKeys as typeof request;
    }
  }
  return items;
};

/** Every id-looking string in a body, to find what a run may have stored. */
const idsIn = (text: string): string[] => [...new Set(text.match(/wamid\.[A-Za-z0-9]+/g) ?? [])];

/** Business messages any run may have touched: the seeded ones and whatever a status named. */
const tracked = new Set<string>();
const cellKey = (kind: UnitKind, unit: BillingUnit, messageId: string) =>
  keys.aggregate(kind, unit, shardOf(messageId));

/** The invariant of the aggregates: each cell holds exactly the units its messages hold. */
const checkCells = async () => {
  const messages = await readItems([...tracked].map((id) => keys.message(id)));
  const expected = new Map<string, { key: { pk: string; sk: string }; units: number }>();
  const hold = (kind: UnitKind, unit: BillingUnit | undefined, id: string) => {
    if (!unit) return;
    const key = cellKey(kind, unit, id);
    const entry = expected.get(`${key.pk}|${key.sk}`) ?? { key, units: 0 };
    entry.units += 1;
    expected.set(`${key.pk}|${key.sk}`, entry);
  };
  for (const item of messages.values()) {
    if (item.direction !== 'outbound') continue;
    const held = (item.held ?? {}) as {
      messageUnit?: BillingUnit;
      classificationDifference?: BillingUnit;
      conversation?: ConversationRecord;
    };
    const id = String(item.pk).slice('MSG#'.length);
    hold('message', held.messageUnit, id);
    hold('difference', held.classificationDifference, id);
    hold('conversation', held.conversation?.unit, id);
  }
  const cells = await readItems([...expected.values()].map((entry) => entry.key));
  for (const [id, { units }] of expected) expect([id, Number(cells.get(id)?.units ?? 0)]).toEqual([id, units]);
  return expected.size;
};

/** A stored inbound message always has its window moved to it (or later). */
const checkInbound = async (ids: string[]) => {
  const stored = [...(await readItems(ids.map((id) => keys.message(id)))).values()].filter(
    (item) => item.direction === 'inbound',
  );
  const windows = await readItems(
    stored.map((item) => keys.window(String(item.phoneNumberId), String(item.contactId))),
  );
  for (const item of stored) {
    const window = windows.get(`${keys.window(String(item.phoneNumberId), String(item.contactId)).pk}|WINDOW`);
    expect(Number(window?.lastInboundAt)).toBeGreaterThanOrEqual(Number(item.timestamp));
  }
};

describe('POST /webhook fuzzed with validly signed, hostile bodies', () => {
  it('never crashes, never answers 5xx, never writes half an event', async () => {
    await fc.assert(
      fc.asyncProperty(base, fc.array(mutation, { maxLength: 3 }), finish, async (recipe, changes, end) => {
        const built = await build(recipe);
        built.outbound.forEach((id) => tracked.add(id));
        const body = serialize(built.payload, changes, end, built.phoneNumberId);
        for (const id of idsIn(body)) tracked.add(id);
        const answer = await harness.send(signedEvent(body));
        expect(answer.status).toBeLessThan(500);
        expect([200, 400]).toContain(answer.status);
        if (answer.status === 400) expect(answer.body).toMatchObject({ error: { code: 'INVALID_JSON' } });
        await checkInbound(idsIn(body));
        await checkCells();
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: false },
    );
  }, 60_000);

  it('stores a batch of 1,000 inbound messages (Meta’s largest POST) in one answer', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const messages = Array.from({ length: 1000 }, (_, i) =>
      payloads.textMessage(`m${i}`, { from: `1555600${String(i % 50).padStart(4, '0')}`, timestamp: NOW - 1000 + i }),
    );
    const answer = await harness.post(payloads.webhookBody(payloads.messagesChange({ phoneNumberId, messages })));
    expect(answer).toMatchObject({ status: 200, body: { received: 1000, inbound: 1000 } });
    await checkInbound(messages.map((m) => String(m.id)));
  }, 60_000);

  // Meta's batches are at most 3 MB (bodies over 3.5 MB answer 413 before hashing: webhook-limits.test.ts).
  it('keeps a 3 MB text within a signed body without failing the POST', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const message = payloads.textMessage('y'.repeat(3 * 1024 * 1024), { from: uniqueWaId(), timestamp: NOW });
    const answer = await harness.post(
      payloads.webhookBody(payloads.messagesChange({ phoneNumberId, messages: [message] })),
    );
    expect(answer.status).toBe(200);
    await checkInbound([String(message.id)]);
  }, 60_000);

  /*
   * A validly signed body nested thousands of levels deep parses (JSON.parse has no depth limit)
   * but JSON.stringify of it overflows the stack. The store keeps such raw content as a note
   * instead, so the POST answers 200 and the message is recorded, rather than failing with 500 on
   * every one of Meta's redeliveries.
   */
  it('answers 200 to a signed body nested 10,000 levels deep', async () => {
    const answer = await harness.send(signedEvent(nestText('{"object":"whatsapp_business_account"}', 10_000)));
    expect(answer.status).toBe(200);
  });

  it('records an inbound message that carries a field nested 10,000 levels deep', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const message = payloads.textMessage('deep', { from: uniqueWaId(), timestamp: NOW });
    const body = JSON.stringify(payloads.webhookBody(payloads.messagesChange({ phoneNumberId, messages: [message] })));
    const answer = await harness.send(
      signedEvent(body.replace('"type":"text"', `"type":"text","x":${nestText('1', 10_000)}`)),
    );
    expect(answer.status).toBe(200);
  });

  /*
   * Ids longer than DynamoDB's key limits (2,048 bytes for a partition key, 1,024 for a sort key)
   * are refused by the parser (the item is parked raw) and, as a net, DynamoDB's ValidationException
   * counts as a bad item, not as storage being down: the POST answers 200, not 500 for 7 days.
   */
  it('answers 200 to an inbound message whose id is 2,100 characters', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const message = payloads.textMessage('long id', {
      id: `wamid.${'x'.repeat(2100)}`,
      from: uniqueWaId(),
      timestamp: NOW,
    });
    const answer = await harness.post(
      payloads.webhookBody(payloads.messagesChange({ phoneNumberId, messages: [message] })),
    );
    expect(answer.status).toBe(200);
  });

  it('answers 200 to a template update whose name is 1,100 characters', async () => {
    const answer = await harness.post(payloads.webhookBody(payloads.templateStatusChange({ name: 'n'.repeat(1100) })));
    expect(answer.status).toBe(200);
  });

  // Fields stored beside the raw copy are cut to size, so none can push the item over 400 KB.
  it('answers 200 to an inbound message whose referral source_url is 400 KB', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const message = payloads.referralTextMessage({ from: uniqueWaId(), timestamp: NOW });
    (message.referral as Record<string, unknown>).source_url = 'u'.repeat(400 * 1024);
    const answer = await harness.post(
      payloads.webhookBody(payloads.messagesChange({ phoneNumberId, messages: [message] })),
    );
    expect(answer.status).toBe(200);
  });

  /*
   * A status naming the id of an inbound message (only a broken sender gets there: Meta's ids do
   * not collide) is parked, not retried as contention until the POST fails.
   */
  it('answers 200 to a status naming the id of an inbound message', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const id = payloads.wamid();
    const inbound = payloads.textMessage('hi', { id, from: waId, timestamp: NOW });
    await harness.post(payloads.webhookBody(payloads.messagesChange({ phoneNumberId, messages: [inbound] })));
    const status = payloads.statusUpdate({ id, status: 'delivered', recipientId: waId, timestamp: NOW + 1 });
    const answer = await harness.post(
      payloads.webhookBody(payloads.messagesChange({ phoneNumberId, statuses: [status] })),
    );
    expect(answer.status).toBe(200);
  });

  it('answers 400 to bodies that are not JSON at all', async () => {
    for (const body of ['', ' ', '{', 'null x', '\u0000', '[1,2', '{"object":']) {
      expect((await harness.send(signedEvent(body))).status).toBe(400);
    }
  });

  it('checks every cell its messages hold, across all runs', async () => {
    // The aggregates of the fuzzed numbers once more, after everything: no late or stray unit. (Fewer
    // cells than before issue 12: a message that ends failed, which the fuzzer makes often, now opens
    // no conversation, so its conversation cell is never written.)
    expect(await checkCells()).toBeGreaterThan(5);
  });
});
