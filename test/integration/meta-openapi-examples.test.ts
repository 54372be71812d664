import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { pairRateLimit } from '#domain/pacing';
import { utcDay } from '#domain/time';
import type { Template, TemplateComponent } from '#domain/templates';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { messageItem, webhookHarness } from '#test/webhook';
import { sendRouteForFile, type Json } from '../support/send-route.ts';
import messageExamples from '../fixtures/meta-openapi/messages.json' with { type: 'json' };
import webhookExamples from '../fixtures/meta-openapi/webhooks.json' with { type: 'json' };

/**
 * Acceptance of Meta's own request examples (facebook/openapi, business-messaging-api_v23.0.yaml,
 * vendored in test/fixtures/meta-openapi with its source and license): every example of
 * `POST /{phone-number-id}/messages` goes through our POST /messages inside an open window, with its
 * placeholders filled, and reaches the sandbox as Meta wrote it; every webhook example is stored.
 */

// Statuses are not what is tested here: scheduled an hour out, cancelled by close().
const route = sendRouteForFile({ statusDelayMs: 3_600_000 });

// Fifty examples to one user within seconds: Meta's pair rate is not what is tested here.
const handler = () => route.handler({ pacing: { messagesPerSecond: 1000, pair: pairRateLimit(0, 1000) } });
const post = (send: ReturnType<typeof handler>, body: Json) => route.post(send, body);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Maps every value of a JSON tree, with the key it sits under. */
const mapJson = (value: unknown, fill: (key: string, value: unknown) => unknown, key = ''): unknown => {
  if (Array.isArray(value)) return value.map((item) => mapJson(item, fill, key));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapJson(v, fill, k)]));
  return fill(key, value);
};

/**
 * The placeholders of Meta's examples, filled: the user and the message replied to or read are the
 * test's own, media links real https URLs, the template name and language real ones, a header type
 * the one its content has. Everything else stays as Meta wrote it.
 */
const fillMessage = (name: string, example: Json, user: { waId: string; inboundWamid: string }): Json =>
  mapJson(example, (key, value) => {
    if (typeof value !== 'string') return value;
    if (key === 'to') return `+${user.waId}`;
    if (key === 'message_id') return user.inboundWamid;
    if (key === 'link') return `https://example.com/meta-openapi/${key}-${value.replace(/\W+/g, '-')}`;
    if (key === 'code' && value === 'language-and-locale-code') return 'en_US';
    if (key === 'name' && /^<.*>$|-/.test(value)) return `openapi_${name.toLowerCase().replace(/\W+/g, '_')}`;
    if (key === 'type' && value === '<HEADER_TYPE>') return 'text';
    if (value === '{{Flow-ID}}') return '1234567890123456';
    if (value === '{{Flow-Name}}') return 'appointment_booking';
    return value;
  }) as Json;

/** The message types a body names: its `type`, or (Meta's default) the one message object it carries, else text. */
const MESSAGE_OBJECTS = [
  'text',
  'template',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'reaction',
];
const typeOf = (body: Json): string =>
  typeof body.type === 'string' ? body.type : (MESSAGE_OBJECTS.filter((type) => type in body)[0] ?? 'text');

const BUTTON_TYPES: Record<string, string> = {
  quick_reply: 'QUICK_REPLY',
  flow: 'FLOW',
  catalog: 'CATALOG',
  url: 'URL',
};

/** The template Meta would have approved for a template example: one variable per parameter, its buttons. */
const templateFor = (template: Json): Template => {
  const components = (template.components ?? []) as Json[];
  const parameters = (type: string) => (components.find((c) => c.type === type)?.parameters ?? []) as Json[];
  const variables = (count: number) => Array.from({ length: count }, (_, i) => `{{${i + 1}}}`).join(' ');
  const header = parameters('header')[0];
  const buttons = components.filter((c) => c.type === 'button');
  const definition: TemplateComponent[] = [
    ...(header ? [{ type: 'HEADER' as const, format: String(header.type).toUpperCase() as 'IMAGE' }] : []),
    { type: 'BODY', text: `Hello ${variables(parameters('body').length)}`.trim() },
    ...(buttons.length > 0
      ? [
          {
            type: 'BUTTONS' as const,
            buttons: buttons.map((button) => ({
              type: BUTTON_TYPES[String(button.sub_type).toLowerCase()] ?? 'QUICK_REPLY',
              text: 'Tap',
            })),
          },
        ]
      : []),
  ];
  const language = (template.language as Json).code as string;
  return { name: String(template.name), language, category: 'utility', status: 'APPROVED', components: definition };
};

const examples = Object.entries(messageExamples.examples as Record<string, Json>);

describe("Meta's OpenAPI examples of POST /{phone-number-id}/messages", () => {
  it('are vendored with their source, commit and license', () => {
    expect(messageExamples).toMatchObject({
      repository: 'facebook/openapi',
      commit: expect.stringMatching(/^[0-9a-f]{40}$/) as string,
      license: expect.stringContaining('MIT') as string,
    });
    expect(examples.length).toBeGreaterThanOrEqual(50);
  });

  it('every one answers 200 inside an open window and reaches Meta as Meta wrote it', async () => {
    const send = handler();
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const inboundWamid = await route.userWrites(phoneNumberId, waId);

    const outcomes: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    const bodies = examples.map(([name, example]): [string, Json] => [
      name,
      { ...fillMessage(name, example, { waId, inboundWamid }), phoneNumberId },
    ]);
    for (const [, body] of bodies) {
      if (typeOf(body) === 'template' && body.status === undefined) {
        await route.stores.templates.registerTemplate(
          templateFor(body.template as Json),
          Math.floor(Date.now() / 1000),
        );
      }
    }
    const check = async ([name, body]: [string, Json]) => {
      const answer = await post(send, body);
      outcomes[name] = answer.status === 200 ? 200 : answer.body;
      expected[name] = 200;
      if (answer.status !== 200) return;
      const { phoneNumberId: _ours, ...toMeta } = body;
      if (body.status === 'read') {
        const read = route.sandbox.reads().find((item) => item.messageId === inboundWamid);
        outcomes[`${name} (as Meta got it)`] = read?.body;
      } else {
        const sent = route.sandbox.sent().find((message) => message.id === answer.body.id);
        outcomes[`${name} (as Meta got it)`] = sent?.body;
        Object.assign(toMeta, {
          recipient_type: body.recipient_type ?? 'individual',
          type: typeOf(body),
          to: `+${waId}`,
        });
      }
      expected[`${name} (as Meta got it)`] = { ...toMeta, messaging_product: 'whatsapp' };
    };
    // One after the other: fifty sends to one user (the pair rate is Meta's, not what is tested).
    for (const example of bodies) await check(example);
    // One comparison, so a failure lists every example refused or changed on its way to Meta.
    expect(outcomes).toEqual(expected);
    // Fifty sends through the whole send path take seconds alone, a minute on a loaded machine.
  }, 180_000);

  it('a template example is refused before Meta until its template is registered', async () => {
    const send = handler();
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    await route.userWrites(phoneNumberId, waId);
    const example = (messageExamples.examples as Record<string, Json>)['Send Message Template Text'] as Json;
    const body = fillMessage(`unregistered ${waId}`, example, { waId, inboundWamid: 'wamid.none' });
    const answer = await post(send, { ...body, phoneNumberId });
    expect([answer.status, (answer.body.error as Json).code]).toEqual([422, 'TEMPLATE_NOT_FOUND']);
  });
});

describe("Meta's OpenAPI examples of the webhook", () => {
  it('every one is answered 200 and stored', async () => {
    const now = Math.floor(Date.now() / 1000);
    const harness = webhookHarness({ now });
    const phoneNumberId = uniquePhoneNumberId();
    const stored: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const [name, example] of Object.entries(webhookExamples.examples as Record<string, Json>)) {
      // The ids are made the test's own (shared table), each example's wamids and group ids its own
      // (three examples share one wamid), so what is stored can be found again.
      const marker = `${phoneNumberId}.${name.replace(/\W+/g, '')}`;
      const payload = mapJson(example, (key, value) => {
        if (typeof value !== 'string') return value;
        if ((key === 'id' && value.startsWith('wamid.')) || key === 'group_id') return `${value}.${marker}`;
        if (key === 'phone_number_id') return phoneNumberId;
        return value;
      }) as Json;
      const answer = await harness.post(payload);
      const change = ((payload.entry as Json[])[0]?.changes as Json[])[0] as Json;
      const value = change.value as Json;
      const wamids = ((value.messages ?? []) as Json[]).map((message) => String(message.id));
      const items = await Promise.all(wamids.map((wamid) => messageItem(wamid)));
      const parked = await testDocumentClient().send(
        new QueryCommand({
          TableName: TEST_TABLE_NAME,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `WEBHOOK#${utcDay(now)}` },
        }),
      );
      const isParked = (parked.Items ?? []).some((item) => String(item.raw).includes(marker));
      const asMessages = items.length > 0 && items.every((item) => item?.direction === 'inbound');
      stored[name] = { status: answer.status, stored: asMessages ? 'message' : isParked ? 'parked' : 'nowhere' };
      // A user's message is a message; what the engine does not model yet (groups) is parked raw.
      expected[name] = { status: 200, stored: change.field === 'messages' ? 'message' : 'parked' };
    }
    expect(stored).toEqual(expected);
  });
});
