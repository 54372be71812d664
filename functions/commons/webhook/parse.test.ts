import { readFileSync } from 'node:fs';
import type { InboundMessageEvent, StatusEvent, UnrecognizedEvent, WebhookEvent } from './events';
import { parseWebhook } from './parse';
import {
  BUSINESS_WAMID,
  DISPLAY_PHONE_NUMBER,
  PHONE_NUMBER_ID,
  TIMESTAMP,
  USER_BSUID,
  USER_NAME,
  USER_PARENT_BSUID,
  USER_WA_ID,
  WABA_ID,
  audioMessage,
  buttonReplyMessage,
  contact,
  contactsMessage,
  conversation,
  customerChangedNumberMessage,
  documentMessage,
  entry,
  flowReplyMessage,
  imageMessage,
  inboundMessage,
  listReplyMessage,
  locationMessage,
  messagesChange,
  metaError,
  orderMessage,
  pricing,
  reEngagementError,
  reactionMessage,
  referralTextMessage,
  requestWelcomeMessage,
  statusUpdate,
  stickerMessage,
  templateButtonMessage,
  templateCategoryChange,
  templateStatusChange,
  textMessage,
  unsupportedMessage,
  userChangedUserIdMessage,
  videoMessage,
  volumeTierAccountUpdate,
  webhookBody,
  webhookBodyEntries,
  type Json,
} from '../../../test/fixtures/payloads';

type Fixture = { entry: { changes: { value: Json & { messages?: Json[]; statuses?: Json[] } }[] }[] };

const fixture = (file: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/meta/${file}`, import.meta.url), 'utf8')) as Fixture;

const firstValue = (body: Fixture): Fixture['entry'][number]['changes'][number]['value'] => {
  const value = body.entry[0]?.changes[0]?.value;
  if (!value) throw new Error('fixture has no entry[0].changes[0].value');
  return value;
};

const ORIGIN = { wabaId: WABA_ID, phoneNumberId: PHONE_NUMBER_ID, displayPhoneNumber: DISPLAY_PHONE_NUMBER };

const single = (body: unknown): WebhookEvent => {
  const { events } = parseWebhook(body);
  expect(events).toHaveLength(1);
  return events[0] as WebhookEvent;
};

const asMessage = (event: WebhookEvent): InboundMessageEvent => {
  expect(event.kind).toBe('inbound-message');
  return event as InboundMessageEvent;
};

const asStatus = (event: WebhookEvent): StatusEvent => {
  expect(event.kind).toBe('status');
  return event as StatusEvent;
};

const asUnrecognized = (event: WebhookEvent | undefined): UnrecognizedEvent => {
  expect(event?.kind).toBe('unrecognized');
  return event as UnrecognizedEvent;
};

/** What parseWebhook answers for a business-account webhook POST holding `events`. */
const parsed = (...events: unknown[]) => ({ object: 'whatsapp_business_account', events });

/** How every template event names its template: the account, Meta's template id, the name and the language. */
const template = (wabaId: string, templateId: string, name: string, language: string) => ({
  wabaId,
  templateId,
  name,
  language,
});

/** Each event's kind, with the path of the item an unrecognized event stands for. */
const kindsAndPaths = (events: WebhookEvent[]) => events.map((e) => [e.kind, e.kind === 'unrecognized' ? e.path : '']);

/** One inbound message from the default user, with the matching contacts[] entry. */
const messageBody = (message: Json, contacts: Json[] = [contact()]): Json =>
  webhookBody(messagesChange({ contacts, messages: [message] }));

const statusBody = (status: Json, contacts?: Json[]): Json =>
  webhookBody(messagesChange({ statuses: [status], ...(contacts ? { contacts } : {}) }));

describe('parseWebhook: real payloads from public projects', () => {
  it('parses the whatsapp-api-js inbound text with business-scoped user ids', () => {
    const body = fixture('whatsapp-api-js__v25_incoming_text_bsuid.json');
    const parsed = parseWebhook(body);
    expect(parsed).toStrictEqual({
      object: 'whatsapp_business_account',
      events: [
        {
          kind: 'inbound-message',
          origin: { wabaId: '1', phoneNumberId: '123456123', displayPhoneNumber: '16505551111' },
          user: {
            waId: '16315551181',
            userId: 'US.13491208655302741918',
            parentUserId: 'US.ENT.506847293015824',
            profileName: 'test user name',
          },
          id: 'ABGGFlA5Fpa',
          timestamp: 1504902988,
          type: 'text',
          errors: [],
          raw: firstValue(body).messages?.[0],
        },
      ],
    });
  });

  const fixtureUser = {
    waId: '16315551181',
    userId: 'US.13491208655302741918',
    parentUserId: 'US.ENT.506847293015824',
    profileName: 'test user name',
  };
  const fixtureOrigin = { wabaId: '1', phoneNumberId: '123456123', displayPhoneNumber: '16505551111' };
  /** The status event whatsapp-api-js's v25 fixture `file` holds for its message, with `extra` where it differs. */
  const fixtureStatus = (file: string, status: string, extra: Partial<StatusEvent> = {}) => {
    const body = fixture(file);
    const event = {
      kind: 'status',
      origin: fixtureOrigin,
      messageId: 'ABGGFlA5Fpa',
      status,
      timestamp: 1504902988,
      user: fixtureUser,
      ...extra,
      errors: [],
      raw: firstValue(body).statuses?.[0],
    };
    return { body, event };
  };
  const fixtureConversation = { id: 'CONVERSATION_ID', category: 'marketing', expiresAt: 1504903988 };

  it('parses the sent status with per-message pricing and a conversation', () => {
    const { body, event } = fixtureStatus('whatsapp-api-js__v25_status_sent_pmp_marketing.json', 'sent', {
      conversation: fixtureConversation,
      pricing: { model: 'PMP', type: 'regular', category: 'marketing', billable: true },
    });
    expect(parseWebhook(body).events).toStrictEqual([event]);
  });

  it('parses the delivered status with a conversation and no pricing', () => {
    const { body, event } = fixtureStatus('whatsapp-api-js__v25_status_delivered.json', 'delivered', {
      conversation: fixtureConversation,
    });
    expect(parseWebhook(body).events).toStrictEqual([event]);
  });

  it('parses the read status', () => {
    const { body, event } = fixtureStatus('whatsapp-api-js__v25_status_read.json', 'read');
    expect(parseWebhook(body).events).toStrictEqual([event]);
  });

  it('parses the pywa unsupported message with its 131051 error', () => {
    const body = fixture('pywa__message__unsupported_131051.json');
    expect(parseWebhook(body)).toStrictEqual(
      parsed({
        kind: 'inbound-message',
        origin: { wabaId: '1234567890987654321', phoneNumberId: '1122334455667', displayPhoneNumber: '972123456789' },
        user: {
          waId: '972987654321',
          userId: 'US.13491208655302741918',
          parentUserId: 'US.ENT.11815799212886844830',
          profileName: 'Test Name',
        },
        id: 'wamid.xyzxyz',
        timestamp: 1697044706,
        type: 'unsupported',
        errors: [
          {
            code: 131051,
            title: 'Message type unknown',
            message: 'Message type unknown',
            details: 'Message type is currently not supported.',
          },
        ],
        raw: firstValue(body).messages?.[0],
      }),
    );
  });

  it.each([
    {
      update: 'rejected template status update',
      file: 'pywa__template_status_update__rejected.json',
      event: {
        kind: 'template-status',
        ...template('102290129340398', '1689556908129835', 'abandoned_cart', 'en'),
        event: 'REJECTED',
        reason: 'INVALID_FORMAT',
        category: 'marketing',
        timestamp: 1751247548,
      },
    },
    {
      update: 'template category update',
      file: 'pywa__template_category_update__marketing.json',
      event: {
        kind: 'template-category',
        ...template('57438975935', '12345678', 'my_message_template', 'he'),
        newCategory: 'marketing',
        timestamp: 1750344882,
      },
    },
  ])('parses the pywa $update', ({ file, event }) => {
    const body = fixture(file);
    expect(parseWebhook(body)).toStrictEqual(parsed({ ...event, raw: firstValue(body) }));
  });

  it('keeps the very item object as raw, unknown keys included', () => {
    const body = fixture('whatsapp-api-js__v25_status_sent_pmp_marketing.json');
    const event = single(body);
    expect(event.raw).toBe(firstValue(body).statuses?.[0]);
  });
});

describe('parseWebhook: inbound message types', () => {
  const defaultUser = { waId: USER_WA_ID, profileName: USER_NAME };

  it.each([
    ['text', textMessage()],
    ['image', imageMessage()],
    ['audio', audioMessage()],
    ['video', videoMessage()],
    ['document', documentMessage()],
    ['sticker', stickerMessage()],
    ['location', locationMessage()],
    ['contacts', contactsMessage()],
    ['interactive', buttonReplyMessage()],
    ['interactive', listReplyMessage()],
    ['interactive', flowReplyMessage()],
    ['button', templateButtonMessage()],
    ['reaction', reactionMessage()],
    ['order', orderMessage()],
    ['system', customerChangedNumberMessage()],
    ['request_welcome', requestWelcomeMessage()],
    ['unsupported', unsupportedMessage()],
    ['holographic_call', inboundMessage({ type: 'holographic_call', extra: { holographic_call: { x: 1 } } })],
  ])('parses a %s message into an inbound-message event', (type, message) => {
    const event = asMessage(single(messageBody(message)));
    expect(event.type).toBe(type);
    expect(event.id).toBe(message.id);
    expect(event.timestamp).toBe(TIMESTAMP);
    expect(event.origin).toStrictEqual(ORIGIN);
    expect(event.user).toStrictEqual(defaultUser);
    expect(event.raw).toBe(message);
  });

  it('keeps the text body and every other type-specific object only in raw', () => {
    const message = textMessage('hello');
    const event = asMessage(single(messageBody(message)));
    expect(event).toStrictEqual({
      kind: 'inbound-message',
      origin: ORIGIN,
      user: defaultUser,
      id: message.id,
      timestamp: TIMESTAMP,
      type: 'text',
      errors: [],
      raw: message,
    });
    expect((event.raw.text as Json).body).toBe('hello');
  });

  it('maps the reply context of interactive and button replies', () => {
    for (const message of [buttonReplyMessage('wamid.ORIGINAL'), templateButtonMessage('wamid.ORIGINAL')]) {
      const event = asMessage(single(messageBody(message)));
      expect(event.context).toStrictEqual({ from: DISPLAY_PHONE_NUMBER, id: 'wamid.ORIGINAL' });
    }
    const listReply = asMessage(single(messageBody(listReplyMessage())));
    expect(listReply.raw.interactive).toMatchObject({ type: 'list_reply', list_reply: { id: 'slot-0930' } });
    const flowReply = asMessage(single(messageBody(flowReplyMessage())));
    expect(flowReply.raw.interactive).toMatchObject({ type: 'nfm_reply' });
  });

  it('maps forwarded flags in the context', () => {
    const message = textMessage('fwd', { extra: { context: { forwarded: true, frequently_forwarded: false } } });
    const event = asMessage(single(messageBody(message)));
    expect(event.context).toStrictEqual({ forwarded: true, frequentlyForwarded: false });
  });

  it('maps the referral of a text sent from a Click-to-WhatsApp ad', () => {
    const event = asMessage(single(messageBody(referralTextMessage())));
    expect(event.type).toBe('text');
    expect(event.referral).toStrictEqual({
      sourceId: '120226305854810726',
      sourceType: 'ad',
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
      ctwaClid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-ZABh',
    });
  });

  it('maps a customer_changed_number system message', () => {
    const event = asMessage(single(messageBody(customerChangedNumberMessage('16505559999'))));
    expect(event.system).toStrictEqual({
      type: 'customer_changed_number',
      waId: '16505559999',
      body: `User ${USER_NAME} changed from ${USER_WA_ID} to 16505559999`,
    });
    expect(event.user).toStrictEqual(defaultUser);
  });

  it('maps a user_changed_user_id system message, also when it comes without a sender', () => {
    const withSender = asMessage(
      single(messageBody(userChangedUserIdMessage(USER_BSUID, 'US.NEW1', { from: null, fromUserId: USER_BSUID }), [])),
    );
    expect(withSender.user).toStrictEqual({ userId: USER_BSUID });
    expect(withSender.system).toStrictEqual({
      type: 'user_changed_user_id',
      userId: 'US.NEW1',
      parentUserId: USER_PARENT_BSUID,
      previousUserId: USER_BSUID,
      body: `User ${USER_NAME} changed from ${USER_BSUID} to US.NEW1`,
    });

    const senderless = asMessage(
      single(messageBody(userChangedUserIdMessage(USER_BSUID, 'US.NEW1', { from: null }), [])),
    );
    expect(senderless.user).toStrictEqual({});
    expect(senderless.system?.userId).toBe('US.NEW1');
  });

  it('keeps a removed reaction (no emoji) as a reaction', () => {
    const event = asMessage(single(messageBody(reactionMessage(BUSINESS_WAMID, null))));
    expect(event.type).toBe('reaction');
    expect(event.raw.reaction).toStrictEqual({ message_id: BUSINESS_WAMID });
  });

  it('maps message-level errors of an unsupported message', () => {
    const event = asMessage(single(messageBody(unsupportedMessage())));
    expect(event.errors).toStrictEqual([
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        details: 'Message type is currently not supported.',
      },
    ]);
  });

  it('keeps a made-up future type raw, with its object', () => {
    const message = inboundMessage({ type: 'hologram', extra: { hologram: { id: 'h1', depth: 3 } } });
    const event = asMessage(single(messageBody(message)));
    expect(event.type).toBe('hologram');
    expect(event.raw.hologram).toStrictEqual({ id: 'h1', depth: 3 });
  });

  it('reads a message without a type as the legacy unknown type', () => {
    const message = inboundMessage({ type: 'text' });
    delete message.type;
    expect(asMessage(single(messageBody(message))).type).toBe('unknown');
  });

  it('identifies a BSUID-only sender (no from, no wa_id) from from_user_id and contacts[]', () => {
    const message = textMessage('hi', { from: null, fromUserId: USER_BSUID, fromParentUserId: USER_PARENT_BSUID });
    const contacts = [
      contact({ userId: USER_BSUID, parentUserId: USER_PARENT_BSUID, name: 'Sheena', username: 'sheena' }),
    ];
    const event = asMessage(single(messageBody(message, contacts)));
    expect(event.user).toStrictEqual({
      userId: USER_BSUID,
      parentUserId: USER_PARENT_BSUID,
      profileName: 'Sheena',
      username: 'sheena',
    });
  });

  it('fills user ids missing on the message from the matching contact', () => {
    const contacts = [contact({ waId: USER_WA_ID, userId: USER_BSUID, parentUserId: USER_PARENT_BSUID, name: 'S' })];
    const event = asMessage(single(messageBody(textMessage('hi'), contacts)));
    expect(event.user).toStrictEqual({
      waId: USER_WA_ID,
      userId: USER_BSUID,
      parentUserId: USER_PARENT_BSUID,
      profileName: 'S',
    });
  });

  it('uses the only contact of a single-message change even when wa_id differs from from', () => {
    // Meta warns that wa_id and the phone number "may not always match" (e.g. Brazilian mobile numbers)
    const contacts = [contact({ waId: '5511987654321', name: 'Ana' })];
    const event = asMessage(single(messageBody(textMessage('oi', { from: '551187654321' }), contacts)));
    expect(event.user).toStrictEqual({ waId: '551187654321', profileName: 'Ana' });
  });

  it('does not guess a contact when several messages share a change', () => {
    const messages = [textMessage('a', { from: '111111111' }), textMessage('b', { from: '222222222' })];
    const contacts = [contact({ waId: '222222222', name: 'Bob' })];
    const { events } = parseWebhook(webhookBody(messagesChange({ messages, contacts })));
    expect(events.map((e) => (e as InboundMessageEvent).user)).toStrictEqual([
      { waId: '111111111' },
      { waId: '222222222', profileName: 'Bob' },
    ]);
  });

  it('accepts numeric timestamps and records the group of a group message', () => {
    const message = textMessage('hi group', { timestamp: 1749416999, extra: { group_id: 'group-42' } });
    message.timestamp = 1749416999;
    const event = asMessage(single(messageBody(message)));
    expect(event.timestamp).toBe(1749416999);
    expect(event.groupId).toBe('group-42');
  });

  it('ignores mistyped descriptive fields but keeps them in raw', () => {
    const message = textMessage('hi', { extra: { context: 'not-an-object', referral: 42 } });
    const event = asMessage(single(messageBody(message)));
    expect(event.context).toBeUndefined();
    expect(event.referral).toBeUndefined();
    expect(event.raw.context).toBe('not-an-object');
  });
});

describe('parseWebhook: statuses', () => {
  it('parses a sent status with pricing, conversation and callback data', () => {
    const status = statusUpdate({
      status: 'sent',
      conversation: conversation('marketing'),
      pricing: pricing('marketing'),
      bizOpaqueCallbackData: 'campaign-7',
    });
    expect(single(statusBody(status, [contact()]))).toStrictEqual({
      kind: 'status',
      origin: ORIGIN,
      messageId: BUSINESS_WAMID,
      status: 'sent',
      timestamp: TIMESTAMP,
      user: { waId: USER_WA_ID, profileName: USER_NAME },
      conversation: { id: 'c3b4b5ea9e1ae2d8cd1b6a2b1f0a9e7d', category: 'marketing', expiresAt: TIMESTAMP + 86_400 },
      pricing: { model: 'PMP', type: 'regular', category: 'marketing', billable: true },
      errors: [],
      bizOpaqueCallbackData: 'campaign-7',
      raw: status,
    });
  });

  it.each(['delivered', 'read', 'played'] as const)('parses a %s status', (value) => {
    const status = statusUpdate({ status: value, timestamp: TIMESTAMP + 5 });
    const event = asStatus(single(statusBody(status)));
    expect(event).toStrictEqual({
      kind: 'status',
      origin: ORIGIN,
      messageId: BUSINESS_WAMID,
      status: value,
      timestamp: TIMESTAMP + 5,
      user: { waId: USER_WA_ID },
      errors: [],
      raw: status,
    });
  });

  it('parses a failed status with the 131047 re-engagement error', () => {
    const status = statusUpdate({ status: 'failed', errors: [reEngagementError()] });
    const event = asStatus(single(statusBody(status)));
    expect(event.status).toBe('failed');
    expect(event.pricing).toBeUndefined();
    expect(event.errors).toStrictEqual([
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        details:
          'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    ]);
  });

  it('parses a status to a BSUID-only recipient', () => {
    const status = statusUpdate({
      status: 'delivered',
      recipientId: null,
      recipientUserId: USER_BSUID,
      parentRecipientUserId: USER_PARENT_BSUID,
      pricing: pricing('utility', 'free_customer_service'),
    });
    const contacts = [contact({ userId: USER_BSUID, parentUserId: USER_PARENT_BSUID, username: 'sheena' })];
    const event = asStatus(single(statusBody(status, contacts)));
    expect(event.user).toStrictEqual({ userId: USER_BSUID, parentUserId: USER_PARENT_BSUID, username: 'sheena' });
    expect(event.pricing).toStrictEqual({
      model: 'PMP',
      type: 'free_customer_service',
      category: 'utility',
      billable: false,
    });
  });

  it('normalizes authentication-international to snake_case, lower-case', () => {
    const status = statusUpdate({
      status: 'sent',
      pricing: pricing('AUTHENTICATION-INTERNATIONAL'),
      conversation: conversation('authentication-international', null),
    });
    const event = asStatus(single(statusBody(status)));
    expect(event.pricing?.category).toBe('authentication_international');
    expect(event.conversation).toStrictEqual({
      id: 'c3b4b5ea9e1ae2d8cd1b6a2b1f0a9e7d',
      category: 'authentication_international',
    });
  });

  it('keeps 2022 conversation-based categories as Meta sent them', () => {
    const status = statusUpdate({
      status: 'sent',
      pricing: { billable: true, pricing_model: 'CBP', category: 'user_initiated' },
      conversation: conversation('user_initiated'),
    });
    const event = asStatus(single(statusBody(status)));
    expect(event.pricing).toStrictEqual({ model: 'CBP', category: 'user_initiated', billable: true });
    expect(event.conversation?.category).toBe('user_initiated');
  });

  it('takes the person of a group status from recipient_participant_id', () => {
    const status = statusUpdate({
      status: 'read',
      recipientId: 'group-42',
      extra: { recipient_type: 'group', recipient_participant_id: USER_WA_ID },
    });
    const event = asStatus(single(statusBody(status)));
    expect(event.groupId).toBe('group-42');
    expect(event.user).toStrictEqual({ waId: USER_WA_ID });
  });

  it('accepts numeric timestamps', () => {
    const status = statusUpdate({ status: 'sent' });
    status.timestamp = TIMESTAMP;
    expect(asStatus(single(statusBody(status))).timestamp).toBe(TIMESTAMP);
  });
});

describe('parseWebhook: value errors, templates and account updates', () => {
  it('turns value.errors[] into value-error events', () => {
    const error = metaError(131000, 'Something went wrong', 'Unknown error');
    const second = { code: 368, title: 'Temporarily blocked for policies violations' };
    expect(parseWebhook(webhookBody(messagesChange({ errors: [error, second] }))).events).toStrictEqual([
      {
        kind: 'value-error',
        origin: ORIGIN,
        error: {
          code: 131000,
          title: 'Something went wrong',
          message: 'Something went wrong',
          details: 'Unknown error',
        },
        raw: error,
      },
      {
        kind: 'value-error',
        origin: ORIGIN,
        error: { code: 368, title: 'Temporarily blocked for policies violations' },
        raw: second,
      },
    ]);
  });

  it('reports value errors of a change without metadata with the WABA only', () => {
    const error = metaError(100, 'Invalid parameter');
    const body = webhookBody({ field: 'messages', value: { messaging_product: 'whatsapp', errors: [error] } });
    expect(single(body)).toStrictEqual({
      kind: 'value-error',
      origin: { wabaId: WABA_ID },
      error: { code: 100, title: 'Invalid parameter', message: 'Invalid parameter' },
      raw: error,
    });
  });

  const orderConfirmation = template(WABA_ID, '1689556908129832', 'order_confirmation', 'en_US');
  it.each([
    {
      name: 'an approved template with its category, id as a string',
      change: templateStatusChange({ event: 'APPROVED', category: 'UTILITY' }),
      time: 1751247548,
      event: { kind: 'template-status', ...orderConfirmation, event: 'APPROVED', reason: 'NONE', category: 'utility' },
    },
    {
      name: 'a template category update with its previous category',
      change: templateCategoryChange({ previousCategory: 'UTILITY', newCategory: 'MARKETING' }),
      time: 1750344882,
      event: { kind: 'template-category', ...orderConfirmation, newCategory: 'marketing', previousCategory: 'utility' },
    },
  ])('parses $name, at the entry time', ({ change, time, event }) => {
    expect(single(webhookBody(change, { time }))).toStrictEqual({ ...event, timestamp: time, raw: change.value });
  });

  it('parses a paused template and a template scheduled for deletion (reason null)', () => {
    const paused = templateStatusChange({
      event: 'PAUSED',
      reason: 'NONE',
      extra: { other_info: { title: 'FIRST_PAUSE', description: 'Low quality' } },
    });
    const deleted = templateStatusChange({ event: 'PENDING_DELETION', reason: null });
    const { events } = parseWebhook(webhookBody([paused, deleted]));
    expect(events.map((e) => e.kind)).toStrictEqual(['template-status', 'template-status']);
    expect(events[0]).toMatchObject({ event: 'PAUSED', reason: 'NONE' });
    expect(events[1]).toMatchObject({ event: 'PENDING_DELETION' });
    expect(events[1]).not.toHaveProperty('reason');
    expect(events[1]).not.toHaveProperty('timestamp');
  });

  it('parses an account_update volume tier event', () => {
    const change = volumeTierAccountUpdate();
    expect(single(webhookBody(change, { time: 1761955300 }))).toStrictEqual({
      kind: 'account-update',
      wabaId: WABA_ID,
      event: 'VOLUME_BASED_PRICING_TIER_UPDATE',
      timestamp: 1761955300,
      raw: change.value,
    });
  });

  it('parks a change of an unhandled field as one unrecognized event with the whole value', () => {
    const value = { display_phone_number: DISPLAY_PHONE_NUMBER, decision: 'APPROVED' };
    expect(single(webhookBody({ field: 'business_capability_update', value }))).toStrictEqual({
      kind: 'unrecognized',
      wabaId: WABA_ID,
      field: 'business_capability_update',
      path: 'entry[0].changes[0].value',
      reason: 'unhandled field business_capability_update',
      raw: value,
    });
  });

  it.each([
    ['a missing name', { message_template_name: undefined }, 'message_template_name'],
    ['a fractional id', { message_template_id: 1.5 }, 'message_template_id'],
    ['an id beyond 2^53', { message_template_id: 2 ** 60 }, 'message_template_id'],
  ])('parks a template status update with %s', (_label, patch, reasonPart) => {
    const change = templateStatusChange({ extra: patch });
    const event = asUnrecognized(single(webhookBody(change)));
    expect(event.path).toBe('entry[0].changes[0].value');
    expect(event.field).toBe('message_template_status_update');
    expect(event.reason).toContain(reasonPart);
  });

  it('accepts a template id sent as a digit string', () => {
    const change = templateStatusChange({ extra: { message_template_id: '1689556908129832' } });
    expect(single(webhookBody(change))).toMatchObject({ kind: 'template-status', templateId: '1689556908129832' });
  });
});

describe('parseWebhook: malformed items never cost the rest of the POST', () => {
  it('parses a mixed batch and parks only the bad items, with their paths', () => {
    const goodA = textMessage('first');
    const badMessage = textMessage('no id');
    delete badMessage.id;
    const goodB = imageMessage();
    const sent = statusUpdate({ status: 'sent', id: 'wamid.S1', pricing: pricing() });
    const deleted = statusUpdate({ status: 'deleted', id: 'wamid.S2' });
    const read = statusUpdate({ status: 'read', id: 'wamid.S3' });
    const badTime = statusUpdate({ status: 'delivered', id: 'wamid.S4', timestamp: 'yesterday' });
    const body = webhookBodyEntries([
      entry([
        messagesChange({ contacts: [contact()], messages: [goodA, badMessage, goodB] }),
        messagesChange({ statuses: [sent, deleted, read, badTime] }),
      ]),
      entry([templateStatusChange(), 'not-a-change', { field: 'messages', value: null }, volumeTierAccountUpdate()], {
        wabaId: '200000000000001',
      }),
    ]);

    const { events } = parseWebhook(body);
    expect(kindsAndPaths(events)).toStrictEqual([
      ['inbound-message', ''],
      ['unrecognized', 'entry[0].changes[0].value.messages[1]'],
      ['inbound-message', ''],
      ['status', ''],
      ['unrecognized', 'entry[0].changes[1].value.statuses[1]'],
      ['status', ''],
      ['unrecognized', 'entry[0].changes[1].value.statuses[3]'],
      ['template-status', ''],
      ['unrecognized', 'entry[1].changes[1]'],
      ['unrecognized', 'entry[1].changes[2].value'],
      ['account-update', ''],
    ]);

    expect(asMessage(events[0] as WebhookEvent).user).toStrictEqual({ waId: USER_WA_ID, profileName: USER_NAME });
    expect(asMessage(events[2] as WebhookEvent).id).toBe(goodB.id);
    expect(asStatus(events[5] as WebhookEvent).messageId).toBe('wamid.S3');

    const missingId = asUnrecognized(events[1]);
    expect(missingId).toMatchObject({ wabaId: WABA_ID, field: 'messages', raw: badMessage });
    expect(missingId.reason).toContain('id');
    const unknownStatus = asUnrecognized(events[4]);
    expect(unknownStatus.raw).toBe(deleted);
    expect(unknownStatus.reason).toContain('status');
    expect(asUnrecognized(events[6]).reason).toContain('timestamp');
    expect(asUnrecognized(events[8])).toMatchObject({ wabaId: '200000000000001', raw: 'not-a-change' });
    expect(events[10]).toMatchObject({ kind: 'account-update', wabaId: '200000000000001' });
  });

  it.each([
    ['null', null, 'expected object'],
    ['a string', 'wamid.X', 'expected object'],
    ['an array', [textMessage()], 'expected object'],
    ['a missing id', { ...textMessage(), id: undefined }, 'id'],
    ['an empty id', { ...textMessage(), id: '' }, 'id'],
    ['a word timestamp', { ...textMessage(), timestamp: 'now' }, 'timestamp'],
    ['a millisecond timestamp', { ...textMessage(), timestamp: '1749416383000' }, 'timestamp'],
    ['a negative timestamp', { ...textMessage(), timestamp: -5 }, 'timestamp'],
    ['a fractional timestamp', { ...textMessage(), timestamp: 1749416383.5 }, 'timestamp'],
    ['no sender', textMessage('x', { from: null }), 'sender'],
    ['a numeric from', { ...textMessage(), from: 16505551234 }, 'from'],
  ])('parks a message that is %s', (_label, message, reasonPart) => {
    const body = webhookBody(messagesChange({ messages: [textMessage('ok'), message] }));
    const { events } = parseWebhook(body);
    expect(events).toHaveLength(2);
    expect(events[0]?.kind).toBe('inbound-message');
    const bad = asUnrecognized(events[1]);
    expect(bad.path).toBe('entry[0].changes[0].value.messages[1]');
    expect(bad.raw).toBe(message);
    expect(bad.reason).toContain(reasonPart);
  });

  it.each([
    ['an unknown status value', statusUpdate({ status: 'warning' })],
    ['an upper-case status', statusUpdate({ status: 'SENT' })],
    ['no status', { ...statusUpdate({ status: 'sent' }), status: undefined }],
    ['no recipient', statusUpdate({ status: 'sent', recipientId: null })],
    ['no id', { ...statusUpdate({ status: 'sent' }), id: undefined }],
    ['a number', 7],
  ])('parks a status with %s', (_label, status) => {
    const { events } = parseWebhook(
      webhookBody(messagesChange({ statuses: [status, statusUpdate({ status: 'read' })] })),
    );
    expect(events.map((e) => e.kind)).toStrictEqual(['unrecognized', 'status']);
    expect(asUnrecognized(events[0]).path).toBe('entry[0].changes[0].value.statuses[0]');
  });

  it('parks messages and statuses of a change without metadata, but keeps them', () => {
    const message = textMessage();
    const body = webhookBody({
      field: 'messages',
      value: { messages: [message], statuses: [statusUpdate({ status: 'sent' })] },
    });
    const { events } = parseWebhook(body);
    expect(events.map((e) => e.kind)).toStrictEqual(['unrecognized', 'unrecognized']);
    expect(asUnrecognized(events[0])).toMatchObject({ raw: message, path: 'entry[0].changes[0].value.messages[0]' });
    expect(asUnrecognized(events[0]).reason).toContain('phone_number_id');
  });

  it('parks a messages list that is not an array, and a messages change with nothing in it', () => {
    const notArray = messagesChange({});
    (notArray.value as Json).messages = { 0: textMessage() };
    const empty = messagesChange({ contacts: [contact()] });
    const { events } = parseWebhook(webhookBody([notArray, empty]));
    expect(events.map((e) => asUnrecognized(e).path)).toStrictEqual([
      'entry[0].changes[0].value.messages',
      'entry[0].changes[1].value',
    ]);
  });

  it('skips unreadable message-level errors and malformed contacts without losing the message', () => {
    const message = textMessage('x', { extra: { errors: ['oops', { code: 'abc' }, { code: 131051, title: 'T' }] } });
    const event = asMessage(single(messageBody(message, [null as unknown as Json, contact()])));
    expect(event.errors).toStrictEqual([{ code: 131051, title: 'T' }]);
    expect(event.user).toStrictEqual({ waId: USER_WA_ID, profileName: USER_NAME });
  });

  it('parks entries that are not objects, lack an id or lack a changes array', () => {
    const body = webhookBodyEntries([
      42 as unknown as ReturnType<typeof entry>,
      { changes: [] } as unknown as ReturnType<typeof entry>,
      { id: WABA_ID, changes: 'x' } as unknown as ReturnType<typeof entry>,
      entry([messagesChange({ messages: [textMessage()] })]),
      entry([{ value: {} }]),
    ]);
    expect(kindsAndPaths(parseWebhook(body).events)).toStrictEqual([
      ['unrecognized', 'entry[0]'],
      ['unrecognized', 'entry[1]'],
      ['unrecognized', 'entry[2]'],
      ['inbound-message', ''],
      ['unrecognized', 'entry[4].changes[0]'],
    ]);
  });

  it('returns no events for an empty entry list', () => {
    expect(parseWebhook({ object: 'whatsapp_business_account', entry: [] })).toStrictEqual({
      object: 'whatsapp_business_account',
      events: [],
    });
  });
});

describe('parseWebhook: bodies that are not webhooks', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', '{"entry":[]}'],
    ['a boolean', true],
    ['an array', [{ entry: [] }]],
    ['an empty object', {}],
    ['an object whose entry is not an array', { object: 'whatsapp_business_account', entry: { id: '1' } }],
  ])('turns %s into one unrecognized event at $', (_label, body) => {
    const parsed = parseWebhook(body);
    expect(parsed.events).toHaveLength(1);
    expect(parsed.events[0]).toStrictEqual({
      kind: 'unrecognized',
      path: '$',
      reason: 'body is not an object with an entry array',
      raw: body,
    });
  });

  it('still reports the object of a body without entries', () => {
    expect(parseWebhook({ object: 'page' }).object).toBe('page');
  });

  it('survives deeply nested values', () => {
    let nested: unknown = 'bottom';
    for (let depth = 0; depth < 100_000; depth += 1) nested = { n: nested };
    const message = textMessage('deep', { extra: { text: nested as Json, context: nested as Json } });
    expect(asMessage(single(messageBody(message))).id).toBe(message.id);

    let deepArray: unknown = [];
    for (let depth = 0; depth < 100_000; depth += 1) deepArray = [deepArray];
    expect(() => parseWebhook(deepArray)).not.toThrow();
    expect(() => parseWebhook({ entry: deepArray })).not.toThrow();
    expect(() => parseWebhook(webhookBody(messagesChange({ messages: deepArray as unknown[] })))).not.toThrow();
  });
});

describe('parseWebhook: large batches', () => {
  it('parses 1,000 statuses in one POST', () => {
    const statuses = Array.from({ length: 1000 }, (_, i) =>
      statusUpdate({ status: i % 2 === 0 ? 'delivered' : 'read', id: `wamid.${i}`, recipientId: `1650555${i}` }),
    );
    const contacts = Array.from({ length: 1000 }, (_, i) => contact({ waId: `1650555${i}`, name: `User ${i}` }));
    const { events } = parseWebhook(webhookBody(messagesChange({ statuses, contacts })));
    expect(events).toHaveLength(1000);
    expect(events.every((e) => e.kind === 'status')).toBe(true);
    expect(asStatus(events[999] as WebhookEvent)).toMatchObject({
      messageId: 'wamid.999',
      status: 'read',
      user: { waId: '1650555999', profileName: 'User 999' },
    });
  });

  it('matches each of 1,000 messages to its own contact', () => {
    const messages = Array.from({ length: 1000 }, (_, i) => textMessage(`m${i}`, { from: `1650555${i}` }));
    const contacts = Array.from({ length: 1000 }, (_, i) =>
      contact({ waId: `1650555${999 - i}`, name: `U${999 - i}` }),
    );
    const { events } = parseWebhook(webhookBody(messagesChange({ messages, contacts })));
    expect(events).toHaveLength(1000);
    events.forEach((event, i) => {
      expect((event as InboundMessageEvent).user).toStrictEqual({ waId: `1650555${i}`, profileName: `U${i}` });
    });
  });
});
