import { createHash } from 'node:crypto';
import {
  checkUpload,
  extensionOf,
  inboundMedia,
  isAnimatedWebp,
  maxBytesFor,
  mediaObjectKey,
  mediaTypeOfMime,
  sha256Matches,
} from './media';
import { MEDIA_LIMITS } from './platform';

const MB = 1024 * 1024;
const bytes = (length: number) => new Uint8Array(length);

/** A minimal RIFF/WEBP header with a VP8X chunk; `animated` sets the animation flag. */
const webp = (length: number, animated: boolean): Uint8Array => {
  const file = new Uint8Array(length);
  file.set(Buffer.from('RIFF'), 0);
  file.set(Buffer.from('WEBP'), 8);
  file.set(Buffer.from('VP8X'), 12);
  file[20] = animated ? 0x02 : 0x00;
  return file;
};

describe("Meta's media limits", () => {
  it('are 5 MB for images, 16 MB for audio and video, 100 MB for documents, 100 KB / 500 KB for stickers', () => {
    expect(MEDIA_LIMITS.image.maxBytes).toBe(5 * MB);
    expect(MEDIA_LIMITS.audio.maxBytes).toBe(16 * MB);
    expect(MEDIA_LIMITS.video.maxBytes).toBe(16 * MB);
    expect(MEDIA_LIMITS.document.maxBytes).toBe(100 * MB);
    expect(maxBytesFor('sticker')).toBe(100 * 1024);
    expect(maxBytesFor('sticker', true)).toBe(500 * 1024);
  });

  it.each([
    ['image/jpeg', 5 * MB],
    ['image/png', 5 * MB],
    ['audio/ogg; codecs=opus', 16 * MB],
    ['video/mp4', 16 * MB],
    ['application/pdf', 100 * MB],
  ])('accepts %s at its limit and refuses one byte more, naming the limit', (mime, limit) => {
    expect(checkUpload(mime, bytes(limit))).toMatchObject({ ok: true });
    const over = checkUpload(mime, bytes(limit + 1));
    expect(over).toMatchObject({ ok: false, code: 'MEDIA_TOO_LARGE' });
    expect(over.ok ? '' : over.message).toContain(`${limit} bytes`);
  });

  it('tells a 6 MB image it is over the 5 MB limit', () => {
    const check = checkUpload('image/jpeg', bytes(6 * MB));
    expect(check).toEqual({
      ok: false,
      code: 'MEDIA_TOO_LARGE',
      message: 'The file is 6291456 bytes; WhatsApp takes at most 5 MB (5242880 bytes) for an image.',
    });
  });

  it('gives an animated sticker 500 KB and a static one 100 KB', () => {
    expect(checkUpload('image/webp', webp(100 * 1024, false))).toMatchObject({ ok: true, type: 'sticker' });
    expect(checkUpload('image/webp', webp(100 * 1024 + 1, false))).toMatchObject({
      ok: false,
      code: 'MEDIA_TOO_LARGE',
    });
    expect(checkUpload('image/webp', webp(500 * 1024, true))).toMatchObject({ ok: true, type: 'sticker' });
    expect(checkUpload('image/webp', webp(500 * 1024 + 1, true))).toMatchObject({ ok: false, code: 'MEDIA_TOO_LARGE' });
    expect(isAnimatedWebp(webp(64, true))).toBe(true);
    expect(isAnimatedWebp(webp(64, false))).toBe(false);
  });

  it('refuses types Meta does not take and empty files', () => {
    expect(checkUpload('image/gif', bytes(10))).toMatchObject({ ok: false, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(checkUpload('', bytes(10))).toMatchObject({ ok: false, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(checkUpload('image/png', bytes(0))).toMatchObject({ ok: false, code: 'MEDIA_EMPTY' });
  });

  it('maps MIME types to message types and file extensions', () => {
    expect(mediaTypeOfMime('IMAGE/JPEG')).toBe('image');
    expect(mediaTypeOfMime('image/webp')).toBe('sticker');
    expect(mediaTypeOfMime('text/html')).toBeUndefined();
    expect(extensionOf('audio/ogg; codecs=opus')).toBe('ogg');
    expect(extensionOf(undefined)).toBe('bin');
  });
});

describe('inbound media', () => {
  it('is read from the webhook message as pending', () => {
    const raw = {
      type: 'document',
      document: { id: '123', mime_type: 'application/pdf', sha256: 'abc', filename: 'invoice.pdf' },
    };
    expect(inboundMedia('document', raw)).toEqual({
      id: '123',
      mimeType: 'application/pdf',
      sha256: 'abc',
      filename: 'invoice.pdf',
      state: 'pending',
    });
    expect(inboundMedia('text', { text: { body: 'hi' } })).toBeUndefined();
    expect(inboundMedia('image', { image: {} })).toBeUndefined();
  });

  it('lives at media/<phoneNumberId>/<wamid>/<mediaId>.<ext>, without path separators from ids', () => {
    expect(mediaObjectKey('1001', 'wamid.A', '55', 'image/jpeg')).toBe('media/1001/wamid.A/55.jpg');
    expect(mediaObjectKey('1001', 'wamid/../x', '5/5', 'image/png')).toBe('media/1001/wamid_.._x/5_5.png');
  });

  it("matches Meta's digest in base64 (webhooks) and hex (media URL), and nothing else", () => {
    const digest = createHash('sha256').update('file').digest();
    expect(sha256Matches(digest.toString('base64'), digest)).toBe(true);
    expect(sha256Matches(digest.toString('hex').toUpperCase(), digest)).toBe(true);
    const other = createHash('sha256').update('other').digest();
    expect(sha256Matches(other.toString('base64'), digest)).toBe(false);
    expect(sha256Matches(other.toString('hex'), digest)).toBe(false);
  });
});
