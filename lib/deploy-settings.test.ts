import { deploySettings } from './deploy-settings.ts';

const from = (values: Record<string, unknown>) => deploySettings((key) => values[key]);

describe('deploy settings from context', () => {
  it('sizes the webhook at 3 statuses per message sent plus inbound, at Meta’s default 80/s', () => {
    const settings = from({});
    expect(settings.webhookThrottle).toEqual({ rateLimit: 320, burstLimit: 640 });
    expect(settings.apiThrottle).toEqual({ rateLimit: 160, burstLimit: 320 });
    expect(settings.reservedConcurrency).toMatchObject({ webhook: 50, 'send-message': 25, 'cost-report': 1 });
    expect(settings.alarmEmail).toBeUndefined();
  });

  it('follows an upgraded number and explicit values', () => {
    expect(from({ messagesPerSecond: '1000' }).webhookThrottle).toEqual({ rateLimit: 4000, burstLimit: 8000 });
    expect(from({ webhookRateLimit: '100', webhookBurstLimit: '150' }).webhookThrottle).toEqual({
      rateLimit: 100,
      burstLimit: 150,
    });
    expect(from({ 'concurrency.webhook': '7' }).reservedConcurrency.webhook).toBe(7);
    expect(from({ reservedConcurrency: 'off' }).reservedConcurrency).toEqual({});
    expect(from({ alarmEmail: 'ops@example.com' }).alarmEmail).toBe('ops@example.com');
  });

  it('stops the deploy on a value that is not a whole number above 0', () => {
    expect(() => from({ apiRateLimit: '0' })).toThrow('-c apiRateLimit=0: must be a whole number above 0');
    expect(() => from({ 'concurrency.webhook': '2.5' })).toThrow('concurrency.webhook');
  });

  it('passes display numbers on and stops the deploy on a pair that does not parse', () => {
    expect(from({}).displayNumbers).toBeUndefined();
    expect(from({ displayNumbers: '106540352242922=+15550000000,106540352242923=+15550000001' }).displayNumbers).toBe(
      '106540352242922=+15550000000,106540352242923=+15550000001',
    );
    expect(() => from({ displayNumbers: '106540352242922=+15550000000,+15550000001' })).toThrow(
      '-c displayNumbers=106540352242922=+15550000000,+15550000001: "+15550000001" is not <phoneNumberId>=<display number>',
    );
  });

  it('bundles X-Ray subsegments for none by default, for all or for the named functions, and refuses a name that is none', () => {
    expect(from({}).xraySubsegments).toEqual([]);
    expect(from({ xraySubsegments: 'false' }).xraySubsegments).toEqual([]);
    expect(from({ xraySubsegments: 'true' }).xraySubsegments).toEqual(
      expect.arrayContaining(['webhook', 'send-message', 'cost-report', 'apply-webhook-batch']),
    );
    expect(from({ xraySubsegments: 'webhook, send-message' }).xraySubsegments).toEqual(['webhook', 'send-message']);
    expect(() => from({ xraySubsegments: 'webhook,sendmessage' })).toThrow(
      '-c xraySubsegments=webhook,sendmessage: sendmessage is no function folder',
    );
  });
});
