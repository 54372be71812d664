import { countryOf } from '#domain/country';
import { CONVERSATION_SECONDS, RETENTION_FLOOR_DAYS, WINDOW_SECONDS } from '#domain/platform';
import { pairRateLimit } from '#domain/pacing';
import { DAY } from '#domain/time';
import type { GraphClient, GraphSendResult } from '#graph/graph-client';
import { ApiError } from '#http/errors';
import { keys } from '#store/keys';
import { memoryStores, type MemoryStores } from '#store/memory/index';
import { sendMessage, type BillingQuestion, type SendMessageDeps } from './send-message';
import { validateSendRequest, type SendRequest } from './validate-send-request';

/**
 * The send orchestration against the in-memory stores (held to the DynamoDB adapters by
 * test/contract/) and a stand-in for Meta's Graph API: fast, every branch. The HTTP route, with
 * Powertools idempotency and the sandbox, is in test/integration/send-message.test.ts.
 */
const T = 1_760_000_000;
const PN = '106540352242922';
const WA = '16505551234';

const text = validateSendRequest({ to: `+${WA}`, type: 'text', text: { body: 'Your order is ready.' } }) as SendRequest;
const template = validateSendRequest({
  to: `+${WA}`,
  type: 'template',
  template: { name: 'order_ready', language: { code: 'en_US' } },
}) as SendRequest;

/** Meta's side: answers each send with the next result given (accepted by default), and remembers the bodies. */
const graphAnswering = (...results: GraphSendResult[]) => {
  const bodies: Record<string, unknown>[] = [];
  const graph: GraphClient = {
    sendMessage: async (_phoneNumberId, body) => {
      bodies.push(body);
      return results.shift() ?? { ok: true, wamid: `wamid.sent.${bodies.length}`, attempts: 1 };
    },
    markRead: async (_phoneNumberId, body) => {
      bodies.push(body);
      return { ok: true, attempts: 1 };
    },
  };
  return { graph, bodies };
};

const setup = (options: { now?: number; graph?: GraphClient; messagesPerSecond?: number } = {}) => {
  const stores = memoryStores();
  const questions: BillingQuestion[] = [];
  const meta = graphAnswering();
  const deps: SendMessageDeps = {
    stores,
    graph: options.graph ?? meta.graph,
    clock: () => options.now ?? T,
    pacing: { messagesPerSecond: options.messagesPerSecond ?? 80, pair: pairRateLimit(6, 45) },
    retentionDays: 1,
    estimate: (question) => {
      questions.push(question);
      return { amount: 0.01, currency: 'USD' };
    },
    countryOf,
  };
  return { stores, deps, questions, bodies: meta.bodies };
};

const userWrote = async (stores: MemoryStores, at: number) => {
  const contact = await stores.contacts.resolveContact(PN, { waId: WA });
  await stores.contacts.extendWindow(contact, at);
};

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as ApiError,
  );

describe('sending a message (in-memory stores, Meta stood in)', () => {
  it('refuses a free-form message from the second the window closes, without calling Meta', async () => {
    const { stores, deps, bodies } = setup({ now: T + WINDOW_SECONDS });
    await userWrote(stores, T);
    const error = await refusal(sendMessage(deps, text, PN));
    expect(error).toMatchObject({ status: 422, code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW' });
    expect(bodies).toEqual([]);
  });

  it('sends a free-form message 1 second before the window closes, records it, and answers the window and billing', async () => {
    const { stores, deps, questions, bodies } = setup({ now: T + WINDOW_SECONDS - 1 });
    await userWrote(stores, T);
    const answer = await sendMessage(deps, text, PN);
    expect(answer).toEqual({
      id: 'wamid.sent.1',
      status: 'accepted',
      window: { open: true, expiresAt: new Date((T + WINDOW_SECONDS) * 1000).toISOString() },
      billing: {
        opensConversation: true,
        category: 'service',
        pricingModel: 'PMP',
        estimatedCost: { amount: 0.01, currency: 'USD' },
      },
    });
    expect(bodies).toHaveLength(1);
    expect(questions[0]).toMatchObject({ pricingType: 'free_customer_service', country: 'US' });
    expect((await stores.messages.readMessage('wamid.sent.1'))?.state).toMatchObject({
      source: 'api',
      kind: 'free-form',
    });
    expect(stores.table.get(keys.message('wamid.sent.1'))?.expiresAt).toBe(
      T + WINDOW_SECONDS - 1 + RETENTION_FLOOR_DAYS * DAY,
    );
  });

  it('says a reply joins the open conversation until 1 second before it expires', async () => {
    const { stores, deps } = setup({ now: T + 100 });
    await userWrote(stores, T + 50);
    const contact = await stores.contacts.resolveContact(PN, { waId: WA });
    stores.table.put({
      ...keys.conversation(PN, contact.contactId, 'marketing'),
      conversationId: 'conv.1',
      category: 'marketing',
      origin: 'business_initiated',
      openedAt: T + 101 - CONVERSATION_SECONDS,
      expiresAt: T + 101,
    });
    expect((await sendMessage(deps, text, PN)).billing.opensConversation).toBe(false);
    const later = setup({ now: T + 101 });
    later.stores.table.put(stores.table.get(keys.conversation(PN, contact.contactId, 'marketing'))!);
    await userWrote(later.stores, T + 50);
    expect((await sendMessage(later.deps, text, PN)).billing.opensConversation).toBe(true);
  });

  it('refuses a template that is not registered or not approved, and sends an approved one outside the window', async () => {
    const { stores, deps, questions } = setup();
    expect(await refusal(sendMessage(deps, template, PN))).toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
    const registered = {
      name: 'order_ready',
      language: 'en_US',
      category: 'utility' as const,
      components: [{ type: 'BODY', text: 'Your order is ready.' }],
    };
    await stores.templates.registerTemplate({ ...registered, status: 'PENDING' } as never, T);
    expect(await refusal(sendMessage(deps, template, PN))).toMatchObject({ code: 'TEMPLATE_NOT_APPROVED' });
    await stores.templates.registerTemplate({ ...registered, status: 'APPROVED' } as never, T);
    const answer = await sendMessage(deps, template, PN);
    expect(answer.window).toEqual({ open: false, expiresAt: null });
    expect(answer.billing).toMatchObject({ category: 'utility', opensConversation: true });
    expect(questions[0]).toMatchObject({ pricingType: 'regular' });
    expect((await stores.messages.readMessage(answer.id))?.state).toMatchObject({ templateCategory: 'utility' });
  });

  it('closes our window when Meta answers 131047, and maps the error', async () => {
    const meta = graphAnswering({
      ok: false,
      kind: 'http',
      httpStatus: 400,
      code: 131047,
      message: '(#131047) Re-engagement message',
      retryable: false,
      attempts: 1,
    });
    const { stores, deps } = setup({ graph: meta.graph, now: T + 10 });
    await userWrote(stores, T);
    expect(await refusal(sendMessage(deps, text, PN))).toMatchObject({
      status: 422,
      code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW',
    });
    expect((await stores.contacts.readContactState(PN, WA)).window?.closedAt).toBe(T + 10);
    expect(await refusal(sendMessage(deps, text, PN))).toMatchObject({ code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW' });
    expect(meta.bodies).toHaveLength(1);
  });

  it("keeps within the number's messages per second, with Retry-After", async () => {
    const { stores, deps, bodies } = setup({ messagesPerSecond: 1 });
    await userWrote(stores, T - 10);
    await sendMessage(deps, text, PN);
    const error = await refusal(sendMessage(deps, text, PN));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'NUMBER_RATE_LIMITED', headers: { 'retry-after': '1' } });
    expect(bodies).toHaveLength(1);
  });
});

describe('a send to a group (Meta group messaging)', () => {
  const GROUP = 'Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD';
  const toGroup = (body: Record<string, unknown>) =>
    validateSendRequest({ to: GROUP, recipient_type: 'group', ...body }) as SendRequest;

  it('needs no customer service window: a free-form message goes to Meta addressed to the group', async () => {
    const { deps, bodies } = setup();
    const answer = await sendMessage(deps, toGroup({ type: 'text', text: { body: 'Hi all' } }), PN);
    expect(answer).toMatchObject({
      status: 'accepted',
      window: { open: false },
      billing: { opensConversation: false },
    });
    expect(bodies).toEqual([expect.objectContaining({ recipient_type: 'group', to: GROUP, type: 'text' })]);
  });

  it('a template still has to be registered and approved', async () => {
    const { deps, bodies } = setup();
    const error = await refusal(
      sendMessage(deps, toGroup({ type: 'template', template: { name: 'nope', language: { code: 'en_US' } } }), PN),
    );
    expect(error).toMatchObject({ status: 422, code: 'TEMPLATE_NOT_FOUND' });
    expect(bodies).toHaveLength(0);
  });
});
