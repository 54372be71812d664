import { webhookEvent, webhookHarness } from '#test/webhook';
import { MAX_WEBHOOK_BODY_BYTES } from '#webhook/raw-body';

const harness = webhookHarness({ now: 1_780_000_000 });
const FAKE_SIGNATURE = `sha256=${'ab'.repeat(32)}`;

/** `bytes` of JSON-looking text full of 3-byte characters (each re-escaped to 6 bytes by the unicode retry). */
const hostileBody = (bytes: number): Buffer => {
  const prefix = '{"object":"whatsapp_business_account","entry":"';
  const suffix = '"}';
  const room = bytes - prefix.length - suffix.length;
  const body = Buffer.from(`${prefix}${'€'.repeat(Math.floor(room / 3))}${'a'.repeat(room % 3)}${suffix}`);
  if (body.length !== bytes) throw new Error('hostile body of the wrong size');
  return body;
};

const cpuMs = async (work: () => Promise<unknown>): Promise<number> => {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

describe('webhook body size', () => {
  it('refuses a 6 MB body of non-ASCII bytes with a fake signature with 413, without hashing it', async () => {
    const event = webhookEvent(hostileBody(6 * 1024 * 1024), { 'x-hub-signature-256': FAKE_SIGNATURE });
    let answer: Awaited<ReturnType<typeof harness.send>> | undefined;
    const used = await cpuMs(async () => {
      answer = await harness.send(event);
    });
    expect(answer).toEqual({
      status: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } },
    });
    // Two HMACs over 6 MB and its escaped copy cost 0.5 s and more; a length check costs a few ms.
    expect(used).toBeLessThan(100);
  });

  it('refuses the same body base64-encoded, as API Gateway passes a non-text content type', async () => {
    const event = webhookEvent(hostileBody(6 * 1024 * 1024), { 'x-hub-signature-256': FAKE_SIGNATURE }, true);
    expect((await harness.send(event)).status).toBe(413);
  });

  it.each([
    ['text', false],
    ['base64', true],
  ])('checks the signature of a %s body at the limit and refuses one byte more', async (_, base64) => {
    const at = webhookEvent(hostileBody(MAX_WEBHOOK_BODY_BYTES), { 'x-hub-signature-256': FAKE_SIGNATURE }, base64);
    expect((await harness.send(at)).body).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
    const over = webhookEvent(
      hostileBody(MAX_WEBHOOK_BODY_BYTES + 1),
      { 'x-hub-signature-256': FAKE_SIGNATURE },
      base64,
    );
    expect((await harness.send(over)).status).toBe(413);
  });
});
