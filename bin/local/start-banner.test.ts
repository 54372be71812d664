import { restartLine, shellWord, startBanner, type StartFacts } from './start-banner.ts';

const facts: StartFacts = {
  apiUrl: 'http://127.0.0.1:3000',
  sandboxUrl: 'http://127.0.0.1:3001',
  dynamoDbEndpoint: 'http://127.0.0.1:8123',
  dataFolder: '/tmp/engine',
  dailyReportFile: '/tmp/engine/reports/2026/11/30/daily.html',
  today: '2026-12-01',
  secrets: [
    { name: 'API_TOKEN', value: 'dev-token', origin: 'demo' },
    { name: 'WHATSAPP_APP_SECRET', value: 'a1b2', origin: 'generated' },
    { name: 'WHATSAPP_VERIFY_TOKEN', value: 'mine', origin: 'set' },
  ],
  settings: {
    PORT: '3000',
    SANDBOX_PORT: '3001',
    API_TOKEN: 'dev-token',
    WHATSAPP_APP_SECRET: 'a1b2',
    WHATSAPP_VERIFY_TOKEN: 'mine',
    WHATSAPP_API_URL: '',
    LOCAL_DATA_DIR: '/tmp/engine',
  },
  command: 'npm start',
};

describe('the start block of npm start', () => {
  it('names every URL, each secret with where it came from, and a line to restart with the same values', () => {
    expect(startBanner(facts).split('\n')).toEqual([
      '-'.repeat(100),
      'WhatsApp session engine: ready',
      '  API             http://127.0.0.1:3000',
      "  sandbox         http://127.0.0.1:3001  (the stand-in for Meta's Graph API; set WHATSAPP_API_URL to send for real)",
      '  cost report     http://127.0.0.1:3000/reports/cost?from=2026-12-01&to=2026-12-01  (Authorization: Bearer $API_TOKEN; Accept: text/html for the page)',
      '  daily report    /tmp/engine/reports/2026/11/30/daily.html  (yesterday and the month to date, written now and at 01:00 UTC)',
      '  events          standard output, one JSON line per event (set EVENTS_URL to POST them)',
      '  DynamoDB Local  http://127.0.0.1:8123  (in memory: set DYNAMODB_DATA_DIR to keep it)',
      "  data folder     /tmp/engine  (media, the sandbox's users, daily reports)",
      '',
      'Secrets and tokens:',
      '  API_TOKEN=dev-token         (the --demo value)',
      '  WHATSAPP_APP_SECRET=a1b2    (generated for this run)',
      '  WHATSAPP_VERIFY_TOKEN=mine  (from your environment)',
      '',
      'Restart with the same values:',
      '  PORT=3000 WHATSAPP_APP_SECRET=a1b2 WHATSAPP_VERIFY_TOKEN=mine API_TOKEN=dev-token SANDBOX_PORT=3001 LOCAL_DATA_DIR=/tmp/engine npm start',
      '-'.repeat(100),
      '',
    ]);
  });

  it('names where events go and where the data is kept when those are set', () => {
    const text = startBanner({
      ...facts,
      eventsUrl: 'http://127.0.0.1:4000/',
      dynamoDbFolder: './data',
    });
    expect(text).toContain('  events          POST http://127.0.0.1:4000/  (x-api-key: $EVENTS_API_KEY)\n');
    expect(text).toContain('  DynamoDB Local  http://127.0.0.1:8123  (data kept in ./data)\n');
    const { dailyReportFile: _file, ...inMemory } = facts;
    expect(startBanner(inMemory)).toContain(
      '  daily report    /tmp/engine/reports/  (yesterday and the month to date, written at 01:00 UTC)\n',
    );
  });

  it('quotes a value the shell would read otherwise, so the line can be pasted as it is', () => {
    expect(shellWord('abc123')).toBe('abc123');
    expect(shellWord('t1:read+send,t2')).toBe('t1:read+send,t2');
    expect(shellWord("it's here")).toBe(`'it'\\''s here'`);
    expect(shellWord('$HOME')).toBe(`'$HOME'`);
    expect(restartLine({ API_TOKEN: 'a b', EVENTS_URL: undefined }, 'npm start')).toBe("API_TOKEN='a b' npm start");
  });
});
