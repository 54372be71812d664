import { loadSecrets, routeSecrets } from './secrets';

describe('loadSecrets', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads only the named secrets', async () => {
    Object.assign(process.env, {
      WHATSAPP_APP_SECRET: 'app',
      WHATSAPP_VERIFY_TOKEN: 'verify',
      WHATSAPP_ACCESS_TOKEN: 'access',
      API_TOKEN: ' one , two:read ,,',
    });
    expect(await loadSecrets(['appSecret'])).toEqual({ appSecret: 'app' });
    expect(await loadSecrets(['apiTokens', 'accessToken'])).toEqual({
      apiTokens: ['one', 'two:read'],
      accessToken: 'access',
    });
  });

  it('loads for a route the secrets the route list names, and nothing else', async () => {
    Object.assign(process.env, { WHATSAPP_APP_SECRET: 'app', WHATSAPP_VERIFY_TOKEN: 'verify', API_TOKEN: 't' });
    expect(await routeSecrets('webhook-verify')()).toEqual({ verifyToken: 'verify' });
    expect(await routeSecrets('webhook')()).toEqual({ appSecret: 'app' });
    expect(await routeSecrets('get-session')()).toEqual({ apiTokens: ['t'] });
  });

  it('reads the deploy placeholder and an unset secret as not configured', async () => {
    process.env.WHATSAPP_APP_SECRET = 'unset';
    delete process.env.WHATSAPP_ACCESS_TOKEN;
    delete process.env.API_TOKEN;
    expect(await loadSecrets(['appSecret', 'accessToken', 'apiTokens'])).toEqual({
      appSecret: '',
      accessToken: '',
      apiTokens: [],
    });
  });
});
