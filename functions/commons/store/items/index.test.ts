import { accountHealthItem } from './account-health';
import { aggregateCellItem } from './aggregate-cell';
import { aggregateDayItem } from './aggregate-day';
import { aliasItem } from './alias';
import { contactMergeItem } from './contact-merge';
import { consentItem } from './consent';
import { conversationItem } from './conversation';
import { countedUnitsItem } from './counted-units';
import { idempotencyRecordItem } from './idempotency-record';
import { itemKinds, kindOfKey } from './index';
import { ledgerEntryItem } from './ledger-entry';
import { messageItem } from './message';
import { numberSlotItem, pairSlotItem } from './pacing-slot';
import { parkedWebhookItem } from './parked-webhook-item';
import { templateItem } from './template';
import { templateCellItem } from './template-cell';
import { webhookBatchItem } from './webhook-batch';
import { windowItem } from './window';

const unit = {
  day: '2026-11-02',
  phoneNumberId: '100000000000001',
  country: 'BR',
  category: 'marketing',
  pricingModel: 'PMP',
  pricingType: 'regular',
};

/** The stored format, spelled out: event readers and existing tables depend on these strings. */
const examples = [
  [aliasItem.key('100', '15551234567'), 'alias', { pk: 'USER#100#15551234567', sk: 'ALIAS' }],
  [windowItem.key('100', '15551234567'), 'window', { pk: 'CONTACT#100#15551234567', sk: 'WINDOW' }],
  [conversationItem.key('100', '1555', 'utility'), 'conversation', { pk: 'CONTACT#100#1555', sk: 'CONV#utility' }],
  [contactMergeItem.key('100', '1555'), 'contact-merge', { pk: 'CONTACT#100#1555', sk: 'MERGED' }],
  [consentItem.key('100', '1555'), 'consent', { pk: 'CONTACT#100#1555', sk: 'CONSENT' }],
  [messageItem.key('wamid.A'), 'message', { pk: 'MSG#wamid.A', sk: 'MSG' }],
  [ledgerEntryItem.key('conv.1'), 'ledger-entry', { pk: 'LEDGER#conv.1', sk: 'LEDGER' }],
  [
    countedUnitsItem.key('wamid.A'),
    'counted-units',
    // sha256('wamid.A'): a wamid carries the user's phone number, and this record outlives the retention
    { pk: 'COUNTED#6184146d08672ad0e062410e741150ce1da6a302a7cc6ada29c7a01a4768976e', sk: 'COUNTED' },
  ],
  [
    aggregateCellItem.key('message', unit, 3),
    'aggregate-cell',
    { pk: 'AGG#2026-11-02#03', sk: 'message#100000000000001#BR#marketing#PMP#regular' },
  ],
  [
    templateCellItem.key(unit, 'order_ready', 3),
    'template-cell',
    { pk: 'TPL#2026-11-02#03', sk: '100000000000001#BR#marketing#PMP#regular#order_ready' },
  ],
  [templateItem.key('order_ready', 'en_US'), 'template', { pk: 'TEMPLATES', sk: 'order_ready#en_US' }],
  [accountHealthItem.key('number', '+1 555-078-3881'), 'account-health', { pk: 'HEALTH', sk: 'NUMBER#15550783881' }],
  [accountHealthItem.key('account', '102290129340398'), 'account-health', { pk: 'HEALTH', sk: 'WABA#102290129340398' }],
  [idempotencyRecordItem.key('send#abc'), 'idempotency-record', { pk: 'IDEMPOTENCY', sk: 'send#abc' }],
  [
    parkedWebhookItem.key('2026-11-02', 'unrecognized', 'ff'),
    'parked-webhook-item',
    { pk: 'WEBHOOK#2026-11-02', sk: 'unrecognized#ff' },
  ],
  [numberSlotItem.key('100', 1_760_000_000), 'number-slot', { pk: 'PACE#100#1760000000', sk: 'NUMBER' }],
  [pairSlotItem.key('100', '1555'), 'pair-slot', { pk: 'PACE#100#1555', sk: 'PAIR' }],
  [aggregateDayItem.key('2026-11-02', 1), 'aggregate-day', { pk: 'AGGDAY#2026-11-02', sk: 'PART#001' }],
  [webhookBatchItem.key('ab12', 3), 'webhook-batch', { pk: 'WEBHOOK_BATCH#ab12', sk: 'CHUNK#003' }],
] as const;

describe('item kinds', () => {
  it.each(examples)('keeps the stored key format of %j and recognises it as %s', (key, kind, expected) => {
    expect(key).toEqual(expected);
    expect(kindOfKey(key.pk, key.sk)).toBe(kind);
  });
  it('declares every kind once, each recognising only its own keys', () => {
    expect(new Set(itemKinds.map((d) => d.kind)).size).toBe(itemKinds.length);
    for (const [key, kind] of examples) {
      expect(itemKinds.filter((d) => d.matches(key)).map((d) => d.kind)).toEqual([kind]);
    }
    expect(kindOfKey('SOMETHING#else', 'X')).toBeUndefined();
  });
});
