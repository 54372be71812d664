/**
 * The block `npm start` prints once everything listens: every URL, the secrets and tokens in force
 * (and where each came from), and one line that starts the stack again with the same values, so a
 * restart on a kept data folder finds the same tokens and a person never has to scroll back through
 * the logs for them. Pure: local.ts gathers the facts.
 */

/** Settings a restart must repeat when they are set, in the order of the README's configuration table. */
export const RESTART_SETTINGS = [
  'PORT',
  'HOST',
  'WHATSAPP_APP_SECRET',
  'WHATSAPP_VERIFY_TOKEN',
  'WHATSAPP_ACCESS_TOKEN',
  'API_TOKEN',
  'WHATSAPP_API_URL',
  'WHATSAPP_API_VERSION',
  'SANDBOX_PORT',
  'MESSAGES_PER_SECOND',
  'PAIR_RATE_INTERVAL_SECONDS',
  'PAIR_RATE_BURST',
  'WHATSAPP_PHONE_NUMBER_ID',
  'MESSAGE_RETENTION_DAYS',
  'DYNAMODB_DATA_DIR',
  'EVENTS_URL',
  'EVENTS_API_KEY',
  'WINDOW_CLOSING_NOTICE_MINUTES',
  'TABLE_NAME',
  'RATE_CARD_FILE',
  'LOCAL_DATA_DIR',
] as const;

export const SECRET_SETTINGS = ['API_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN'];

/** Where a secret's value came from. */
export type SecretOrigin = 'set' | 'generated' | 'demo';

export interface StartFacts {
  apiUrl: string;
  /** the sandbox's base URL; undefined when sends go to WHATSAPP_API_URL */
  sandboxUrl?: string;
  /** the Graph API sends go to when it is not the sandbox */
  graphApiUrl?: string;
  dynamoDbEndpoint: string;
  /** DYNAMODB_DATA_DIR, or undefined: in memory */
  dynamoDbFolder?: string;
  /** media, the sandbox's users, the daily reports */
  dataFolder: string;
  /** the daily report's HTML file written at start, when one was */
  dailyReportFile?: string;
  /** EVENTS_URL, or undefined: JSON lines on standard output */
  eventsUrl?: string;
  /** today, YYYY-MM-DD (UTC): the report link covers it */
  today: string;
  secrets: ReadonlyArray<{ name: string; value: string; origin: SecretOrigin }>;
  /** the settings of this run, for the restart line */
  settings: Readonly<Record<string, string | undefined>>;
  /** `npm start` or `npm start -- --demo` */
  command: string;
}

/** A value as one shell word: bare when it is plain, else single-quoted. */
export const shellWord = (value: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;

/** `NAME=value ... npm start`: every restart setting that is set, in the table's order. */
export const restartLine = (settings: StartFacts['settings'], command: string): string => {
  const words = RESTART_SETTINGS.flatMap((name) => {
    const value = settings[name];
    return value === undefined || value === '' ? [] : [`${name}=${shellWord(value)}`];
  });
  return [...words, command].join(' ');
};

const ORIGIN_NOTE: Record<SecretOrigin, string> = {
  set: 'from your environment',
  generated: 'generated for this run',
  demo: 'the --demo value',
};

export const startBanner = (facts: StartFacts): string => {
  const rows: Array<[string, string]> = [
    ['API', facts.apiUrl],
    facts.sandboxUrl
      ? ['sandbox', `${facts.sandboxUrl}  (the stand-in for Meta's Graph API; set WHATSAPP_API_URL to send for real)`]
      : ['Graph API', `${facts.graphApiUrl ?? ''}  (real sends: WHATSAPP_API_URL)`],
    [
      'cost report',
      `${facts.apiUrl}/reports/cost?from=${facts.today}&to=${facts.today}  (Authorization: Bearer $API_TOKEN; ` +
        'Accept: text/html for the page)',
    ],
    [
      'daily report',
      facts.dailyReportFile
        ? `${facts.dailyReportFile}  (yesterday and the month to date, written now and at 01:00 UTC)`
        : `${facts.dataFolder}/reports/  (yesterday and the month to date, written at 01:00 UTC)`,
    ],
    [
      'events',
      facts.eventsUrl
        ? `POST ${facts.eventsUrl}  (x-api-key: $EVENTS_API_KEY)`
        : 'standard output, one JSON line per event (set EVENTS_URL to POST them)',
    ],
    [
      'DynamoDB Local',
      `${facts.dynamoDbEndpoint}  (${facts.dynamoDbFolder ? `data kept in ${facts.dynamoDbFolder}` : 'in memory: set DYNAMODB_DATA_DIR to keep it'})`,
    ],
    ['data folder', `${facts.dataFolder}  (media, the sandbox's users, daily reports)`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const secretWidth = Math.max(...facts.secrets.map(({ name, value }) => name.length + value.length + 1));
  const rule = '-'.repeat(100);
  return [
    rule,
    'WhatsApp session engine: ready',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
    'Secrets and tokens:',
    ...facts.secrets.map(
      ({ name, value, origin }) => `  ${`${name}=${value}`.padEnd(secretWidth)}  (${ORIGIN_NOTE[origin]})`,
    ),
    '',
    'Restart with the same values:',
    `  ${restartLine(facts.settings, facts.command)}`,
    rule,
    '',
  ].join('\n');
};
