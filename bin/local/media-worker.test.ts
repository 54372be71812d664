import type { DynamoDBRecord } from 'aws-lambda';
import { MEDIA_STREAM_FILTER, pendingMediaOf } from '../../functions/commons/media/store-inbound-media.ts';
import { matchesFilter } from './media-worker.ts';

const record = (overrides: { eventName?: string; direction?: string; state?: string; type?: string }): DynamoDBRecord =>
  ({
    eventName: overrides.eventName ?? 'INSERT',
    dynamodb: {
      SequenceNumber: '1',
      NewImage: {
        pk: { S: 'MSG#wamid.1' },
        sk: { S: 'MSG' },
        direction: { S: overrides.direction ?? 'inbound' },
        type: { S: overrides.type ?? 'image' },
        phoneNumberId: { S: '100000000000001' },
        media: { M: { id: { S: '77' }, mimeType: { S: 'image/jpeg' }, state: { S: overrides.state ?? 'pending' } } },
      },
    },
  }) as unknown as DynamoDBRecord;

describe("the media worker's stream filter", () => {
  it('takes an inserted inbound message with pending media, locally as on AWS', () => {
    expect(matchesFilter(MEDIA_STREAM_FILTER, record({}))).toBe(true);
    expect(pendingMediaOf(record({}))).toEqual({
      wamid: 'wamid.1',
      phoneNumberId: '100000000000001',
      type: 'image',
      media: { id: '77', mimeType: 'image/jpeg', state: 'pending' },
    });
  });

  it.each([
    ['a modification (the worker recording its outcome)', { eventName: 'MODIFY' }],
    ['an outbound message', { direction: 'outbound' }],
    ['media already stored', { state: 'stored' }],
    ['media that failed', { state: 'failed' }],
  ])('leaves out %s', (_, overrides) => {
    expect(matchesFilter(MEDIA_STREAM_FILTER, record(overrides))).toBe(false);
    expect(pendingMediaOf(record(overrides))).toBeUndefined();
  });

  it('leaves out a message type that has no file, even if the filter let it through', () => {
    expect(pendingMediaOf(record({ type: 'text' }))).toBeUndefined();
  });
});
