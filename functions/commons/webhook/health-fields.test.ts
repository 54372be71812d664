import fixtures from '../../../test/fixtures/meta/meta-reference__health_and_echoes.json' with { type: 'json' };
import { parseWebhook } from './parse';

/** Meta's own reference examples of the health, template-change and echo webhooks (test/fixtures/meta/SOURCES.md). */
const only = (body: unknown) => {
  const { events } = parseWebhook(body);
  expect(events).toHaveLength(1);
  return events[0];
};

/** The business account, number and user that Meta's reference examples share. */
const META = {
  wabaId: '102290129340398',
  displayNumber: '15550783881',
  phoneNumberId: '106540352242922',
  waId: '16505551234',
};
/** The template of Meta's template examples, its language as we spell it (en_US). */
const welcomeTemplate = { name: 'welcome_template', language: 'en_US' };

/** A webhook POST holding one change of `field`, in an entry sent at `time` when given. */
const oneChange = (field: string, value: unknown, time?: number) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '1', ...(time === undefined ? {} : { time }), changes: [{ field, value }] }],
});

describe("Meta's health and echo webhooks", () => {
  it('reads a phone_number_quality_update: the display number, the event and the limit, at the entry time', () => {
    expect(only(fixtures.phone_number_quality_update)).toMatchObject({
      kind: 'number-quality',
      wabaId: META.wabaId,
      displayNumber: META.displayNumber,
      event: 'THROUGHPUT_UPGRADE',
      limit: 'TIER_UNLIMITED',
      timestamp: 1748454394,
    });
  });

  it('prefers the portfolio limit, which replaces current_limit in 2026', () => {
    const value = {
      display_phone_number: META.displayNumber,
      event: 'UPGRADE',
      current_limit: 'TIER_1K',
      old_limit: 'TIER_250',
      max_daily_conversations_per_business: 'TIER_2K',
    };
    expect(only(oneChange('phone_number_quality_update', value, 5))).toMatchObject({
      limit: 'TIER_2K',
      previousLimit: 'TIER_250',
    });
  });

  it('parks a quality update without a display number', () => {
    expect(only(oneChange('phone_number_quality_update', { event: 'FLAGGED' }))).toMatchObject({
      kind: 'unrecognized',
      field: 'phone_number_quality_update',
    });
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
    expect(only(oneChange('account_update', value, 9))).toMatchObject({
      restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: 1743500000 }],
    });
  });

  it('reads a template quality update, the language normalised', () => {
    expect(only(fixtures.message_template_quality_update)).toStrictEqual({
      kind: 'template-quality',
      wabaId: META.wabaId,
      templateId: '806312974732579',
      ...welcomeTemplate,
      timestamp: 1674864290,
      quality: 'GREEN',
      previousQuality: 'YELLOW',
      raw: fixtures.message_template_quality_update.entry[0]?.changes[0]?.value,
    });
  });

  it('reads a template components update: body, header, footer and buttons', () => {
    expect(only(fixtures.message_template_components_update)).toMatchObject({
      kind: 'template-components',
      ...welcomeTemplate,
      body: 'Thank you for your order, {{1}}! Your order number is {{2}}.',
      header: 'Your order is confirmed',
      footer: 'Lucky Shrub: Your gateway to succulents',
      buttons: [{ type: 'PHONE_NUMBER', text: 'Email support', phoneNumber: '+15550783881' }],
    });
  });

  it('reads an smb_message_echoes item as the business message to the user in `to`', () => {
    expect(only(fixtures.smb_message_echoes)).toMatchObject({
      kind: 'message-echo',
      origin: { wabaId: META.wabaId, phoneNumberId: META.phoneNumberId },
      user: { waId: META.waId },
      id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA',
      timestamp: 1739321024,
      type: 'text',
    });
  });

  it('reads `to` written with a plus as the same wa_id, and parks an echo naming no recipient', () => {
    const echo = (extra: Record<string, unknown>) =>
      oneChange('smb_message_echoes', {
        metadata: { display_phone_number: META.displayNumber, phone_number_id: META.phoneNumberId },
        message_echoes: [{ id: 'wamid.E', timestamp: '1739321024', type: 'text', ...extra }],
      });
    expect(only(echo({ to: `+${META.waId}` }))).toMatchObject({ kind: 'message-echo', user: { waId: META.waId } });
    expect(only(echo({}))).toMatchObject({ kind: 'unrecognized', reason: expect.stringContaining('no recipient') });
  });
});
