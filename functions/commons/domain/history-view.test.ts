import { outboundAt, toHistoryMessage } from './history-view';

const T = 1_796_000_000;

const inboundItem = (expiresAt: number) => ({
  pk: 'MSG#wamid.IN',
  direction: 'inbound',
  type: 'image',
  timestamp: T,
  raw: JSON.stringify({
    id: 'wamid.IN',
    type: 'image',
    image: { id: '77', mime_type: 'image/jpeg', caption: 'broken' },
  }),
  media: { id: '77', mimeType: 'image/jpeg', state: 'stored', size: 10, key: 'media/1/wamid.IN/77.jpg' },
  expiresAt,
});

const outboundItem = (expiresAt: number) => ({
  pk: 'MSG#wamid.OUT',
  direction: 'outbound',
  state: {
    id: 'wamid.OUT',
    phoneNumberId: '1',
    contactId: '2',
    user: {},
    source: 'api',
    kind: 'template',
    templateName: 'order_ready',
    templateCategory: 'utility',
    statusAt: { sent: T + 2, delivered: T + 3, failed: T + 9 },
    errorCodes: [131026],
    sentAt: T + 1,
    content: { type: 'template', template: { name: 'order_ready', language: { code: 'en_US' } } },
  },
  held: { conversation: { id: 'conv.1', category: 'utility' } },
  expiresAt,
});

describe('a history message', () => {
  it('shows an inbound message with its content and media reference (never the object key)', () => {
    expect(toHistoryMessage(inboundItem(T + 100), T)).toEqual({
      wamid: 'wamid.IN',
      direction: 'inbound',
      type: 'image',
      timestamp: new Date(T * 1000).toISOString(),
      content: { id: '77', mime_type: 'image/jpeg', caption: 'broken' },
      contentExpired: false,
      status: 'received',
      statuses: {},
      errors: [],
      conversation: null,
      media: { id: '77', mimeType: 'image/jpeg', state: 'stored', size: 10, url: '/media/wamid.IN/77' },
    });
  });

  it('shows an outbound message with status, status times, errors, template and conversation', () => {
    expect(toHistoryMessage(outboundItem(T + 100), T)).toMatchObject({
      wamid: 'wamid.OUT',
      direction: 'outbound',
      type: 'template',
      timestamp: new Date((T + 1) * 1000).toISOString(),
      content: { name: 'order_ready', language: { code: 'en_US' } },
      status: 'failed',
      statuses: { sent: new Date((T + 2) * 1000).toISOString(), failed: new Date((T + 9) * 1000).toISOString() },
      errors: [131026],
      conversation: { id: 'conv.1', category: 'utility' },
      template: { name: 'order_ready', category: 'utility' },
    });
  });

  it('keeps content up to the second before retention ends, and says it expired from that second on', () => {
    for (const item of [inboundItem, outboundItem]) {
      expect(toHistoryMessage(item(T + 1), T)).toMatchObject({ contentExpired: false });
      expect(toHistoryMessage(item(T + 1), T).content).not.toBeNull();
      const expired = toHistoryMessage(item(T), T);
      expect(expired).toMatchObject({ contentExpired: true, content: null });
      expect(expired.media).toBeUndefined();
    }
  });

  it('dates an outbound message by the earlier of the send and its first status, whichever came first', () => {
    expect(outboundAt({ statusAt: { sent: T + 5 }, sentAt: T + 3 })).toBe(T + 3);
    expect(outboundAt({ statusAt: { sent: T + 2, delivered: T + 4 }, sentAt: T + 3 })).toBe(T + 2);
    expect(outboundAt({ statusAt: { delivered: T + 4 } })).toBe(T + 4);
  });
});
