import { randomBytes } from 'node:crypto';
import { httpRequest as request, startNpmStart, type HttpAnswer, type LogLine, type NpmStart } from '#test/npm-start';

const PHONE_NUMBER_ID = '100000000000001';
const API_TOKEN = 'e2e-history-token';

/**
 * Conversation history and media over HTTP on `npm start` (issue 11's acceptance): the local stack
 * with its sandbox (the only stand-in: Meta's Graph API), DynamoDB Local, s3rver and the media worker
 * on the table's stream.
 */
interface Answer extends HttpAnswer {
  json: () => Record<string, unknown>;
}

const httpRequest = async (url: string, options: Parameters<typeof request>[1] = {}): Promise<Answer> => {
  const answer = await request(url, options);
  return { ...answer, json: () => JSON.parse(answer.bytes.toString('utf8')) as Record<string, unknown> };
};

/** Polls a condition (bounded): a wait on a condition, never a fixed sleep. */
const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};

interface HistoryMessage {
  wamid: string;
  direction: string;
  type: string;
  status: string | null;
  statuses: Record<string, string>;
  content: Record<string, unknown> | null;
  media?: { id: string; state: string; reason?: string; url: string; sha256?: string; size?: number };
}

describe('history and media on npm start', () => {
  let stack: NpmStart;
  let url: string;
  let sandboxUrl: string;
  let lines: LogLine[];

  beforeAll(async () => {
    stack = await startNpmStart(
      {
        WHATSAPP_APP_SECRET: 'e2e-history-secret',
        WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        API_TOKEN,
        LOCAL_DATA_DIR: '',
      },
      60_000,
    );
    ({ url, sandboxUrl, lines } = stack);
    expect(stack.line('media storage started')?.folder).toMatch(/s3$/);
  }, 90_000);

  afterAll(() => stack?.stop());

  const auth = { authorization: `Bearer ${API_TOKEN}` };
  const api = (method: string, path: string, body?: unknown) =>
    httpRequest(`${url}${path}`, {
      method,
      headers: { ...auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
    });
  const userWrites = (waId: string, body: Record<string, unknown>) =>
    httpRequest(`${sandboxUrl}/sandbox/users/${waId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ phoneNumberId: PHONE_NUMBER_ID, ...body })),
    });
  const history = async (waId: string, query = ''): Promise<{ messages: HistoryMessage[]; next: string | null }> => {
    const answer = await httpRequest(`${url}/contacts/${waId}/messages${query}`, { headers: auth });
    expect(answer.status).toBe(200);
    return answer.json() as unknown as { messages: HistoryMessage[]; next: string | null };
  };
  const mediaOf = async (waId: string, wamid: string) =>
    (await history(waId)).messages.find((message) => message.wamid === wamid)?.media;
  const settled = (waId: string, wamid: string) =>
    waitFor(async () => {
      const media = await mediaOf(waId, wamid);
      return media && media.state !== 'pending' ? media : undefined;
    }, 15_000);
  const sandboxFault = (body: unknown) =>
    httpRequest(`${sandboxUrl}/sandbox/media/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
    });

  it('1. lists text, image and reply newest first with statuses; pages with limit=1; refuses altered cursors', async () => {
    const waId = '4915100000011';
    const image = randomBytes(3000);
    const text = await userWrites(waId, { text: 'My parcel arrived broken' });
    const photo = await userWrites(waId, {
      image: { data: image.toString('base64'), mimeType: 'image/jpeg', caption: 'see' },
    });
    expect([text.status, photo.status]).toEqual([200, 200]);
    const reply = await api('POST', '/messages', {
      to: waId,
      type: 'text',
      text: { body: 'Sorry! A new one is on its way.' },
    });
    expect(reply.status).toBe(200);
    const replyId = reply.json().id as string;
    const delivered = await waitFor(async () => {
      const page = await history(waId);
      return page.messages[0]?.status === 'read' || page.messages[0]?.status === 'delivered' ? page : undefined;
    }, 15_000);

    expect(delivered.next).toBeNull();
    expect(delivered.messages.map((message) => [message.wamid, message.direction, message.type])).toEqual([
      [replyId, 'outbound', 'text'],
      [photo.json().id, 'inbound', 'image'],
      [text.json().id, 'inbound', 'text'],
    ]);
    const [sent, picture, first] = delivered.messages as [HistoryMessage, HistoryMessage, HistoryMessage];
    expect(sent.content).toEqual({ body: 'Sorry! A new one is on its way.' });
    expect(Object.keys(sent.statuses)).toEqual(expect.arrayContaining(['sent', 'delivered']));
    expect(picture.content).toMatchObject({ caption: 'see', mime_type: 'image/jpeg' });
    expect(picture.media).toMatchObject({ mimeType: 'image/jpeg', url: expect.stringMatching(/^\/media\//) });
    expect(first.content).toEqual({ body: 'My parcel arrived broken' });

    const walked: string[] = [];
    let cursor: string | null = null;
    let previous: string | undefined;
    do {
      const page = await history(waId, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.messages).toHaveLength(1);
      walked.push(page.messages[0]?.wamid as string);
      previous = cursor ?? undefined;
      cursor = page.next;
    } while (cursor !== null);
    expect(walked).toEqual(delivered.messages.map((message) => message.wamid));

    const issued = previous as string;
    const altered = `${issued.slice(0, 10)}${issued[10] === 'x' ? 'y' : 'x'}${issued.slice(11)}`;
    for (const bad of [altered, 'not-a-cursor', `${issued}AA`]) {
      const answer = await httpRequest(`${url}/contacts/${waId}/messages?limit=1&cursor=${bad}`, { headers: auth });
      expect(answer.status).toBe(400);
      expect(answer.json()).toMatchObject({ error: { code: 'INVALID_CURSOR' } });
    }
    // a valid cursor of another contact is refused too
    const other = await httpRequest(`${url}/contacts/4915100000099/messages?cursor=${issued}`, { headers: auth });
    expect(other.status).toBe(400);
    expect((await httpRequest(`${url}/contacts/${waId}/messages?limit=101`, { headers: auth })).status).toBe(400);
    expect((await httpRequest(`${url}/contacts/${waId}/messages`)).status).toBe(401);
  });

  it('2. stores the image within 10 s and answers its exact bytes; a sha256 mismatch ends as failed, message kept', async () => {
    const waId = '4915100000022';
    const image = randomBytes(4096);
    const wrote = await userWrites(waId, { image: { data: image.toString('base64'), mimeType: 'image/png' } });
    const started = Date.now();
    const wamid = wrote.json().id as string;
    const media = await settled(waId, wamid);
    expect(media).toMatchObject({ state: 'stored', size: image.length });
    expect(Date.now() - started).toBeLessThan(10_000);
    const file = await httpRequest(`${url}${media.url}`, { headers: auth });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.bytes.equals(image)).toBe(true);
    expect((await httpRequest(`${url}${media.url}`)).status).toBe(401);
    expect((await httpRequest(`${url}/media/${wamid}/000`, { headers: auth })).status).toBe(404);

    expect((await sandboxFault({ mode: 'sha256-mismatch' })).status).toBe(200);
    const corrupt = await userWrites(waId, {
      document: { data: randomBytes(500).toString('base64'), mimeType: 'application/pdf', filename: 'invoice.pdf' },
    });
    const corruptId = corrupt.json().id as string;
    const failed = await settled(waId, corruptId);
    expect(failed).toMatchObject({ state: 'failed', reason: expect.stringContaining('sha256 mismatch') });
    const listed = (await history(waId)).messages.find((message) => message.wamid === corruptId);
    expect(listed).toMatchObject({ type: 'document', content: { filename: 'invoice.pdf' } });
    const refused = await httpRequest(`${url}${failed.url}`, { headers: auth });
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'MEDIA_FAILED' } });

    // The one stream reader fed the events publisher too: the outcomes are published with the location.
    const event = (type: string, id: string) =>
      waitFor(
        async () => lines.find((line) => line['detail-type'] === type && line.detail?.wamid === id)?.detail,
        15_000,
      );
    expect(await event('media.stored', wamid)).toMatchObject({
      media: { id: media.id, size: image.length, url: media.url },
      location: { bucket: 'whatsapp-media', key: expect.stringMatching(new RegExp(`^media/${PHONE_NUMBER_ID}/`)) },
    });
    expect(await event('media.failed', corruptId)).toMatchObject({
      reason: expect.stringContaining('sha256 mismatch'),
    });
    expect(await event('message.received', wamid)).toMatchObject({ content: { media: { url: media.url } } });
  });

  it('3. answers the webhook that carried an image without waiting for the download (media URL delayed 5 s)', async () => {
    const waId = '4915100000033';
    expect((await sandboxFault({ mode: 'url-delay', delayMs: 5000 })).status).toBe(200);
    const started = Date.now();
    // The sandbox answers once our webhook POST has answered (delivered: true).
    const wrote = await userWrites(waId, {
      image: { data: randomBytes(1000).toString('base64'), mimeType: 'image/jpeg' },
    });
    const webhookAnsweredAt = Date.now();
    expect(wrote.json()).toMatchObject({ delivered: true });
    expect(webhookAnsweredAt - started).toBeLessThan(5000);
    const wamid = wrote.json().id as string;
    const pending = await mediaOf(waId, wamid);
    expect(pending?.state).toBe('pending');
    const stored = await settled(waId, wamid);
    expect(stored.state).toBe('stored');
    const file = (await httpRequest(`${sandboxUrl}/sandbox/media/${stored.id}`)).json();
    expect(Number(file.downloadedAt)).toBeGreaterThan(webhookAnsweredAt);
    expect(Number(file.urlServedAt)).toBeGreaterThanOrEqual(started + 5000);
  });

  it('4. refuses a 6 MB image before Meta, naming the limit; a valid upload gives an id an image send can use', async () => {
    const tooBig = await httpRequest(`${url}/media`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'image/jpeg' },
      body: Buffer.alloc(6 * 1024 * 1024, 1),
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.json()).toMatchObject({
      error: { code: 'MEDIA_TOO_LARGE', message: expect.stringContaining('5 MB') },
    });
    const unsupported = await httpRequest(`${url}/media`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'image/gif' },
      body: Buffer.from('GIF89a'),
    });
    expect(unsupported.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });

    const form = new FormData();
    form.append('file', new Blob([randomBytes(2048)], { type: 'image/png' }), 'label.png');
    const encoded = new Request('http://local/', { method: 'POST', body: form });
    const uploaded = await httpRequest(`${url}/media`, {
      method: 'POST',
      headers: { ...auth, 'content-type': encoded.headers.get('content-type') as string },
      body: Buffer.from(await encoded.arrayBuffer()),
    });
    expect(uploaded.status).toBe(200);
    const { id } = uploaded.json() as { id: string };
    expect(id).toMatch(/^\d+$/);

    const waId = '4915100000044';
    await userWrites(waId, { text: 'Send me the label' });
    const sent = await api('POST', '/messages', { to: waId, type: 'image', image: { id, caption: 'Your label' } });
    expect(sent.status).toBe(200);
    const held = (await httpRequest(`${sandboxUrl}/sandbox/media/${id}`)).json();
    expect(held).toMatchObject({ id, origin: 'upload', mimeType: 'image/png', size: 2048 });
    const sandboxSent = (await httpRequest(`${sandboxUrl}/sandbox/sent`)).json() as {
      messages: { id: string; body: unknown }[];
    };
    expect(sandboxSent.messages.find((message) => message.id === sent.json().id)?.body).toMatchObject({
      image: { id },
    });
    const listed = await waitFor(async () => {
      const page = await history(waId);
      return page.messages.find((message) => message.wamid === sent.json().id);
    }, 10_000);
    expect(listed).toMatchObject({ direction: 'outbound', type: 'image', content: { id, caption: 'Your label' } });
  });
});
