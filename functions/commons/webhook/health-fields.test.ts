import fixtures from '../../../test/fixtures/meta/meta-reference__health_and_echoes.json' with { type: 'json' };
import { parseWebhook } from './parse';

/** Meta's own reference examples of the health, template-change and echo webhooks (test/fixtures/meta/SOURCES.md). */
const only = (body: unknown) => {
  const { events } = parseWebhook(body);
  expect(events).toHaveLength(1);
  return events[0];
};

describe("Meta's health and echo webhooks", () => {
  it('reads a phone_number_quality_update: the display number, the event and the limit, at the entry time', () => {
    expect(only(fixtures.phone_number_quality_update)).toMatchObject({
      kind: 'number-quality',
      wabaId: '102290129340398',
      displayNumber: '15550783881',
      event: 'THROUGHPUT_UPGRADE',
      limit: 'TIER_UNLIMITED',
      timestamp: 1748454394,
    });
  });

  it('prefers the portfolio limit, which replaces current_limit in 2026', () => {
    const value = {
      display_phone_number: '15550783881',
      event: 'UPGRADE',
      current_limit: 'TIER_1K',
      old_limit: 'TIER_250',
      max_daily_conversations_per_business: 'TIER_2K',
    };
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', time: 5, changes: [{ field: 'phone_number_quality_update', value }] }],
    };
    expect(only(body)).toMatchObject({ limit: 'TIER_2K', previousLimit: 'TIER_250' });
  });

  it('parks a quality update without a display number', () => {
    const value = { event: 'FLAGGED' };
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'phone_number_quality_update', value }] }],
    };
    expect(only(body)).toMatchObject({ kind: 'unrecognized', field: 'phone_number_quality_update' });
  });

  it('reads the ban state of a DISABLED_UPDATE and the violation of an ACCOUNT_VIOLATION', () => {
    expect(only(fixtures.account_update_disabled)).toMatchObject({
      kind: 'account-update',
      event: 'DISABLED_UPDATE',
      banState: 'REINSTATE',
      banDate: 'April 17, 2025',
      timestamp: 1743451903,
    });
    expect(only(fixtures.account_update_violation)).toMatchObject({
      event: 'ACCOUNT_VIOLATION',
      violationType: 'ADULT',
    });
  });

  it('reads an ACCOUNT_RESTRICTION with its restrictions and their expiry', () => {
    const value = {
      event: 'ACCOUNT_RESTRICTION',
      restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1743500000 }],
    };
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', time: 9, changes: [{ field: 'account_update', value }] }],
    };
    expect(only(body)).toMatchObject({
      restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: 1743500000 }],
    });
  });

  it('reads a template quality update, the language normalised', () => {
    expect(only(fixtures.message_template_quality_update)).toStrictEqual({
      kind: 'template-quality',
      wabaId: '102290129340398',
      templateId: '806312974732579',
      name: 'welcome_template',
      language: 'en_US',
      timestamp: 1674864290,
      quality: 'GREEN',
      previousQuality: 'YELLOW',
      raw: fixtures.message_template_quality_update.entry[0]?.changes[0]?.value,
    });
  });

  it('reads a template components update: body, header, footer and buttons', () => {
    expect(only(fixtures.message_template_components_update)).toMatchObject({
      kind: 'template-components',
      name: 'welcome_template',
      language: 'en_US',
      body: 'Thank you for your order, {{1}}! Your order number is {{2}}.',
      header: 'Your order is confirmed',
      footer: 'Lucky Shrub: Your gateway to succulents',
      buttons: [{ type: 'PHONE_NUMBER', text: 'Email support', phoneNumber: '+15550783881' }],
    });
  });

  it('reads an smb_message_echoes item as the business message to the user in `to`', () => {
    expect(only(fixtures.smb_message_echoes)).toMatchObject({
      kind: 'message-echo',
      origin: { wabaId: '102290129340398', phoneNumberId: '106540352242922' },
      user: { waId: '16505551234' },
      id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA',
      timestamp: 1739321024,
      type: 'text',
    });
  });

  it('reads `to` written with a plus as the same wa_id, and parks an echo naming no recipient', () => {
    const echo = (extra: Record<string, unknown>) => ({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'smb_message_echoes',
              value: {
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                message_echoes: [{ id: 'wamid.E', timestamp: '1739321024', type: 'text', ...extra }],
              },
            },
          ],
        },
      ],
    });
    expect(only(echo({ to: '+16505551234' }))).toMatchObject({ kind: 'message-echo', user: { waId: '16505551234' } });
    expect(only(echo({}))).toMatchObject({ kind: 'unrecognized', reason: expect.stringContaining('no recipient') });
  });
});
