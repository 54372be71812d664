import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { HOUR } from '#domain/time';
import { isWindowOpen, type WindowState } from '#domain/window';
import { keys } from '#store/keys';
import { TEST_TABLE_NAME, testDocumentClient, uniquePhoneNumberId, uniqueWaId } from '#test/environment';
import { messageItem, webhookHarness } from '#test/webhook';

/**
 * The `calls` webhook (https://developers.facebook.com/docs/whatsapp/cloud-api/calling/user-initiated-calls):
 * a call the user placed opens the customer service window for 24 hours from the call, as a message does.
 */
const CALLED_AT = 1_773_200_000;
const db = testDocumentClient();

const callsWebhook = (phoneNumberId: string, waId: string, call: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'calls',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
            contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: waId }],
            calls: [{ from: waId, to: '15550783881', timestamp: String(CALLED_AT), ...call }],
          },
        },
      ],
    },
  ],
});

const windowOf = async (phoneNumberId: string, waId: string) =>
  (await db.send(new GetCommand({ TableName: TEST_TABLE_NAME, Key: keys.window(phoneNumberId, waId) }))).Item as
    WindowState | undefined;

describe('the calls webhook', () => {
  const harness = webhookHarness({ now: CALLED_AT + 5 });

  it("a user's call opens the window for 24 h from the call, and is kept as a call", async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const wacid = `wacid.HBgLMTY1MDU1NTEyMzQV${waId}`;
    const answer = await harness.post(
      callsWebhook(phoneNumberId, waId, { id: wacid, event: 'connect', direction: 'USER_INITIATED' }),
    );
    expect(answer.status).toBe(200);
    const window = await windowOf(phoneNumberId, waId);
    expect(window).toMatchObject({ lastInboundAt: CALLED_AT, expiresAt: CALLED_AT + 24 * HOUR });
    expect(isWindowOpen(window, CALLED_AT + 24 * HOUR - 1)).toBe(true);
    expect(isWindowOpen(window, CALLED_AT + 24 * HOUR)).toBe(false);
    expect(await messageItem(wacid)).toMatchObject({ direction: 'inbound', type: 'call', timestamp: CALLED_AT });
  });

  it('a call the business placed, or the end of a call, opens nothing', async () => {
    const phoneNumberId = uniquePhoneNumberId();
    const waId = uniqueWaId();
    const business = { id: `wacid.B${waId}`, event: 'connect', direction: 'BUSINESS_INITIATED' };
    const ended = { id: `wacid.E${waId}`, event: 'terminate', direction: 'USER_INITIATED', status: 'COMPLETED' };
    for (const call of [business, ended]) {
      expect((await harness.post(callsWebhook(phoneNumberId, waId, call))).status).toBe(200);
    }
    expect(await windowOf(phoneNumberId, waId)).toBeUndefined();
    expect(await messageItem(business.id)).toBeUndefined();
  });
});
