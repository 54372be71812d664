import { config } from './config';

const VARIABLES = [
  'TABLE_NAME',
  'MESSAGES_PER_SECOND',
  'PAIR_RATE_INTERVAL_SECONDS',
  'PAIR_RATE_BURST',
  'MESSAGE_RETENTION_DAYS',
  'WHATSAPP_API_URL',
  'WHATSAPP_WABA_ID',
] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const withEnv = (values: Partial<Record<(typeof VARIABLES)[number], string | undefined>>): void => {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
};

describe('config numbers', () => {
  it('reads the defaults when a variable is unset or empty', () => {
    withEnv({ MESSAGES_PER_SECOND: undefined, PAIR_RATE_BURST: '', PAIR_RATE_INTERVAL_SECONDS: '  ' });
    expect(config.messagesPerSecond).toBe(80);
    expect(config.pairBurst).toBe(45);
    expect(config.pairIntervalSeconds).toBe(6);
  });

  it('reads a number that is set, trimmed', () => {
    withEnv({ MESSAGES_PER_SECOND: ' 1000 ', MESSAGE_RETENTION_DAYS: '8', PAIR_RATE_INTERVAL_SECONDS: '0.5' });
    expect(config.messagesPerSecond).toBe(1000);
    expect(config.retentionDays).toBe(8);
    expect(config.pairIntervalSeconds).toBe(0.5);
  });

  it('refuses a value that is not a number, naming the variable and the default', () => {
    withEnv({ MESSAGES_PER_SECOND: 'abc' });
    expect(() => config.messagesPerSecond).toThrow(
      'MESSAGES_PER_SECOND must be a positive number, not "abc": fix it or unset it for the default 80',
    );
  });

  it.each(['0', '-5', 'Infinity', '12 per second'])('refuses %j instead of falling back', (value) => {
    withEnv({ PAIR_RATE_BURST: value });
    expect(() => config.pairBurst).toThrow(`PAIR_RATE_BURST must be a positive number, not ${JSON.stringify(value)}`);
  });

  it('refuses a retention that is not a number', () => {
    withEnv({ MESSAGE_RETENTION_DAYS: 'thirty' });
    expect(() => config.retentionDays).toThrow(/^MESSAGE_RETENTION_DAYS must be a positive number/);
  });
});

describe('config strings', () => {
  it('says which required variable is missing, also when it is empty', () => {
    withEnv({ TABLE_NAME: '' });
    expect(() => config.tableName).toThrow('TABLE_NAME is not set: the stack (or bin/local.ts) must provide it');
    withEnv({ TABLE_NAME: 'sessions' });
    expect(config.tableName).toBe('sessions');
  });

  it('reads an empty optional variable as absent', () => {
    withEnv({ WHATSAPP_API_URL: '', WHATSAPP_WABA_ID: '' });
    expect(config.whatsAppApiUrl).toBe('https://graph.facebook.com');
    expect(config.wabaId).toBeUndefined();
    withEnv({ WHATSAPP_API_URL: 'http://127.0.0.1:3001', WHATSAPP_WABA_ID: '102290129340398' });
    expect(config.whatsAppApiUrl).toBe('http://127.0.0.1:3001');
    expect(config.wabaId).toBe('102290129340398');
  });
});
