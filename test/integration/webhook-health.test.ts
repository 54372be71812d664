import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHandler } from '../../functions/get-number/index.ts';
import fixtures from '../fixtures/meta/meta-reference__health_and_echoes.json' with { type: 'json' };
import { DynamoDbHealthStore } from '#store/dynamodb-health-store';
import { DynamoDbTemplateStore } from '#store/dynamodb-template-store';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { contactItems, messageItem, webhookHarness } from '#test/webhook';

/**
 * Meta's health webhooks over the signed POST on DynamoDB Local, read back through GET /numbers/{id}:
 * phone_number_quality_update, account_update, message_template_quality_update and
 * message_template_components_update (Meta's reference examples, test/fixtures/meta/SOURCES.md), and
 * smb_message_echoes recorded as outbound messages.
 */
const T = 1_780_000_000;
const db = testDocumentClient();
const TOKEN = 'health-test-token';

const numbersRoute = (displayNumbers?: string, at = T + 10) =>
  createHandler({
    health: new DynamoDbHealthStore(db, TEST_TABLE_NAME),
    templates: new DynamoDbTemplateStore(db, TEST_TABLE_NAME),
    clock: () => at,
    displayNumbers: () => displayNumbers,
    secrets: async () => ({ apiTokens: [`${TOKEN}:read`] }),
  });

const getNumber = async (phoneNumberId: string, displayNumbers?: string, at?: number) => {
  const event = {
    version: '2.0',
    routeKey: 'GET /numbers/{phoneNumberId}',
    rawPath: `/numbers/${phoneNumberId}`,
    rawQueryString: '',
    headers: { authorization: `Bearer ${TOKEN}` },
    pathParameters: { phoneNumberId },
    requestContext: { requestId: 'test', http: { method: 'GET', path: `/numbers/${phoneNumberId}` } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const result = (await numbersRoute(displayNumbers, at)(event, {
    awsRequestId: 'test',
  } as Context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
};

/** Meta's example with our own WABA, number and time, so tests sharing the table do not meet. */
const change = (field: string, value: Record<string, unknown>, wabaId: string, time: number) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: wabaId, time, changes: [{ field, value }] }],
});
const quality = (display: string, wabaId: string, time: number, extra: Record<string, unknown>) =>
  change(
    'phone_number_quality_update',
    { ...fixtures.phone_number_quality_update.entry[0]?.changes[0]?.value, display_phone_number: display, ...extra },
    wabaId,
    time,
  );
const uniqueWaba = () => `9${uniquePhoneNumberId()}`;

describe('account health from the signed webhook', () => {
  const harness = webhookHarness({ now: T });

  it("Meta's quality example is stored, and GET /numbers finds it by the configured display number", async () => {
    const wabaId = uniqueWaba();
    const display = uniqueWaId();
    const phoneNumberId = uniquePhoneNumberId();
    const answer = await harness.post(quality(display, wabaId, T, {}));
    expect(answer).toMatchObject({ status: 200, body: { health: 1 } });
    const view = await getNumber(phoneNumberId, `${phoneNumberId}=+${display}`);
    expect(view).toMatchObject({
      status: 200,
      body: {
        phoneNumberId,
        displayNumber: display,
        wabaId,
        quality: null,
        messagingLimit: { tier: 'TIER_UNLIMITED', learntAt: new Date(T * 1000).toISOString() },
        restricted: false,
      },
    });
    // without the configuration, the display number itself finds it
    expect((await getNumber(display)).body).toMatchObject({ wabaId, messagingLimit: { tier: 'TIER_UNLIMITED' } });
  });

  it('FLAGGED makes the number RED; an older UNFLAGGED (by Meta’s time) does not undo it, a newer one does', async () => {
    const wabaId = uniqueWaba();
    const display = uniqueWaId();
    await harness.post(quality(display, wabaId, T, { event: 'FLAGGED', current_limit: 'TIER_2K' }));
    await harness.post(quality(display, wabaId, T - 1, { event: 'UNFLAGGED', current_limit: 'TIER_10K' }));
    expect((await getNumber(display)).body).toMatchObject({
      quality: { rating: 'RED' },
      messagingLimit: { tier: 'TIER_2K' },
    });
    await harness.post(quality(display, wabaId, T + 1, { event: 'UNFLAGGED', current_limit: 'TIER_10K' }));
    expect((await getNumber(display)).body).toMatchObject({
      quality: { rating: 'GREEN', learntAt: new Date((T + 1) * 1000).toISOString() },
      messagingLimit: { tier: 'TIER_10K' },
    });
  });

  it('a ban restricts the number’s account until Meta reinstates it; the update is still kept raw', async () => {
    const wabaId = uniqueWaba();
    const display = uniqueWaId();
    await harness.post(quality(display, wabaId, T, {}));
    const ban = { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE', waba_ban_date: 'April 17, 2025' } };
    const banned = await harness.post(change('account_update', ban, wabaId, T));
    expect(banned).toMatchObject({ status: 200, body: { kept: 1 } });
    expect((await getNumber(display)).body).toMatchObject({
      restricted: true,
      restrictions: [{ type: 'DISABLE', date: 'April 17, 2025', wabaId }],
    });
    // Meta's own example: REINSTATE, here a second later
    await harness.post(
      change('account_update', fixtures.account_update_disabled.entry[0]!.changes[0]!.value, wabaId, T + 1),
    );
    expect((await getNumber(display)).body).toMatchObject({ restricted: false, restrictions: [] });
  });

  it('a messaging restriction holds until its expiry, at the second', async () => {
    const wabaId = uniqueWaba();
    const display = uniqueWaId();
    await harness.post(quality(display, wabaId, T, {}));
    const value = {
      event: 'ACCOUNT_RESTRICTION',
      restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: T + 3600 }],
    };
    await harness.post(change('account_update', value, wabaId, T));
    expect((await getNumber(display, undefined, T + 3599)).body).toMatchObject({ restricted: true });
    expect((await getNumber(display, undefined, T + 3600)).body).toMatchObject({ restricted: false });
  });

  it('template quality and an edit of its components land on the template item', async () => {
    const wabaId = uniqueWaba();
    const display = uniqueWaId();
    const name = `health_${uniqueWaId()}`;
    await harness.post(quality(display, wabaId, T, {}));
    const qualityValue = {
      ...fixtures.message_template_quality_update.entry[0]!.changes[0]!.value,
      message_template_name: name,
    };
    expect(await harness.post(change('message_template_quality_update', qualityValue, wabaId, T))).toMatchObject({
      status: 200,
      body: { templates: 1 },
    });
    // an older score does not overwrite it
    await harness.post(
      change('message_template_quality_update', { ...qualityValue, new_quality_score: 'RED' }, wabaId, T - 1),
    );
    expect((await getNumber(display)).body).toMatchObject({
      templates: [{ name, language: 'en_US', quality: 'GREEN' }],
    });
    const edit = {
      ...fixtures.message_template_components_update.entry[0]!.changes[0]!.value,
      message_template_name: name,
    };
    await harness.post(change('message_template_components_update', edit, wabaId, T));
    const template = await new DynamoDbTemplateStore(db, TEST_TABLE_NAME).readTemplate(name, 'en_US');
    expect(template?.components).toEqual([
      { type: 'HEADER', format: 'TEXT', text: 'Your order is confirmed' },
      { type: 'BODY', text: 'Thank you for your order, {{1}}! Your order number is {{2}}.' },
      { type: 'FOOTER', text: 'Lucky Shrub: Your gateway to succulents' },
      { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Email support', phone_number: '+15550783881' }] },
    ]);
  });

  it('refuses a phone number id that is not digits', async () => {
    expect(await getNumber('abc')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PHONE_NUMBER_ID' } } });
  });
});

describe('echoes of messages sent from the WhatsApp Business app', () => {
  const harness = webhookHarness({ now: T });
  const echo = (phoneNumberId: string, waId: string, id: string) => {
    const body = structuredClone(fixtures.smb_message_echoes);
    const value = body.entry[0]!.changes[0]!.value;
    value.metadata.phone_number_id = phoneNumberId;
    value.message_echoes[0]!.to = `+${waId}`;
    value.message_echoes[0]!.id = id;
    value.message_echoes[0]!.timestamp = String(T);
    return body;
  };

  it("Meta's echo example is recorded once as an outbound message, sent at Meta's time, in the contact's history", async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const id = `wamid.ECHO${waId}`;
    expect(await harness.post(echo(phoneNumberId, waId, id))).toMatchObject({ status: 200, body: { echoes: 1 } });
    expect(await harness.post(echo(phoneNumberId, waId, id))).toMatchObject({ status: 200, body: { duplicates: 1 } });
    const item = await messageItem(id);
    expect(item).toMatchObject({
      direction: 'outbound',
      historyPk: expect.stringContaining(waId),
      state: {
        source: 'business-app',
        kind: 'free-form',
        statusAt: { sent: T },
        content: { type: 'text', text: { body: "Here's the info you requested! https://www.meta.com/quest/quest-3/" } },
      },
    });
  });

  it('its delivery is counted as a send of ours: a business-initiated service message opens a conversation', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const id = `wamid.ECHOD${waId}`;
    await harness.post(echo(phoneNumberId, waId, id));
    const delivered = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
                statuses: [{ id, status: 'delivered', timestamp: String(T + 5), recipient_id: waId }],
              },
            },
          ],
        },
      ],
    };
    expect(await harness.post(delivered)).toMatchObject({ status: 200, body: { statuses: 1 } });
    const item = await messageItem(id);
    expect(item).toMatchObject({ state: { source: 'business-app', statusAt: { sent: T, delivered: T + 5 } } });
    expect(item?.held).toMatchObject({ messageUnit: expect.anything() });
    expect((await contactItems(phoneNumberId, waId)).some((i) => String(i.sk).startsWith('CONV#'))).toBe(true);
  });
});
