import * as payloads from '../fixtures/payloads.ts';
import { DAY } from '#domain/time';
import { uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import {
  aggregateCells,
  clientFailingOnce,
  contactItems,
  messageItem,
  seedOutboundMessage,
  signedEvent,
  webhookEvent,
  webhookHarness,
} from '#test/webhook';
import { signBody } from '#webhook/signature';

const T = 1_773_144_000;
const DAY_OF_T = '2026-03-10';

const inboundBody = (phoneNumberId: string, waId: string, id?: string) =>
  payloads.webhookBody(
    payloads.messagesChange({
      phoneNumberId,
      messages: [payloads.textMessage('hi', { from: waId, timestamp: T, ...(id ? { id } : {}) })],
    }),
  );

describe('webhook signatures', () => {
  const harness = webhookHarness({ now: T });

  const refused = async (make: (body: string) => ReturnType<typeof webhookEvent>) => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const id = payloads.wamid();
    const response = await harness.send(make(JSON.stringify(inboundBody(phoneNumberId, waId, id))));
    expect(response).toMatchObject({ status: 401, body: { error: { code: 'INVALID_SIGNATURE' } } });
    expect(await messageItem(id)).toBeUndefined();
    expect(await contactItems(phoneNumberId, waId)).toEqual([]);
  };

  it('refuses a missing signature and stores nothing', () => refused((body) => webhookEvent(body)));
  it('refuses a malformed signature', async () => {
    await refused((body) => webhookEvent(body, { 'x-hub-signature-256': 'sha256=not-hex' }));
    await refused((body) =>
      webhookEvent(body, { 'x-hub-signature-256': signBody(body, 'test-app-secret').replace('sha256=', 'sha1=') }),
    );
    await refused((body) =>
      webhookEvent(body, { 'x-hub-signature-256': signBody(body, 'test-app-secret').slice(0, -2) }),
    );
  });
  it('refuses a signature made with another secret', () => refused((body) => signedEvent(body, 'another-secret')));
  it('refuses a body changed by one byte after signing', () =>
    refused((body) => {
      const event = signedEvent(body);
      return { ...event, body: (event.body as string).replace('"hi"', '"hI"') };
    }));

  it('verifies over the decoded bytes when API Gateway base64-encodes the body', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const body = JSON.stringify(inboundBody(phoneNumberId, waId));
    const response = await harness.send(
      webhookEvent(body, { 'x-hub-signature-256': signBody(body, 'test-app-secret') }, true),
    );
    expect(response.status).toBe(200);
    expect((await contactItems(phoneNumberId, waId)).map((item) => item.sk)).toEqual(['WINDOW']);
  });

  it('answers 400 to a validly signed body that is not JSON', async () => {
    expect(await harness.send(signedEvent('{"entry": ['))).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_JSON' } },
    });
  });
});

describe('storage failures', () => {
  it('answers 500 when the message write fails after the window moved, and the redelivery completes it', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const id = payloads.wamid();
    const faulty = clientFailingOnce((command) => command.constructor.name === 'PutCommand');
    const first = await webhookHarness({ now: T, client: faulty.client }).post(inboundBody(phoneNumberId, waId, id));
    expect(faulty.failed()).toBe(true);
    expect(first).toMatchObject({ status: 500, body: { error: { code: 'STORAGE_UNAVAILABLE' } } });
    expect(await messageItem(id)).toBeUndefined();

    const retry = await webhookHarness({ now: T }).post(inboundBody(phoneNumberId, waId, id));
    expect(retry).toMatchObject({ status: 200, body: { inbound: 1 } });
    expect(await messageItem(id)).toMatchObject({ direction: 'inbound' });
    expect((await contactItems(phoneNumberId, waId)).find((item) => item.sk === 'WINDOW')).toMatchObject({
      lastInboundAt: T,
      expiresAt: T + DAY,
    });
  });

  it('answers 500 when the delivery transaction fails, and the redelivery counts once', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const id = payloads.wamid();
    const healthy = webhookHarness({ now: T });
    await seedOutboundMessage(healthy.stores, {
      id,
      phoneNumberId,
      waId,
      kind: 'template',
      templateCategory: 'marketing',
    });
    const body = payloads.webhookBody(
      payloads.messagesChange({
        phoneNumberId,
        statuses: [
          payloads.statusUpdate({ id, status: 'sent', timestamp: T, recipientId: waId }),
          payloads.statusUpdate({ id, status: 'delivered', timestamp: T + 2, recipientId: waId }),
        ],
      }),
    );
    const faulty = clientFailingOnce((command) => command.constructor.name === 'TransactWriteCommand');
    expect(await webhookHarness({ now: T, client: faulty.client }).post(body)).toMatchObject({ status: 500 });
    expect(faulty.failed()).toBe(true);
    // Both statuses of the POST are folded into one write, so nothing of them is stored yet.
    expect((await messageItem(id))?.status).toBeUndefined();
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual({});

    for (let i = 0; i < 2; i++) expect((await healthy.post(body)).status).toBe(200);
    expect(await messageItem(id)).toMatchObject({ status: 'delivered' });
    expect(await aggregateCells(phoneNumberId, [DAY_OF_T])).toEqual({
      [`${DAY_OF_T}#message#US#marketing#PMP#regular`]: 1,
      [`${DAY_OF_T}#conversation#US#marketing#PMP#regular`]: 1,
    });
  });

  it('answers 500 when the alias lookup fails, storing nothing of that event', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const faulty = clientFailingOnce((command) => command.constructor.name === 'BatchGetCommand');
    expect(
      await webhookHarness({ now: T, client: faulty.client }).post(inboundBody(phoneNumberId, waId)),
    ).toMatchObject({ status: 500 });
    expect(await contactItems(phoneNumberId, waId)).toEqual([]);
  });
});
