import * as v from 'valibot';
import { absent, isHttpsUrl, numberIn, object, string, text } from './fields';

/** Limits from Meta's message pages (https://developers.facebook.com/docs/whatsapp/cloud-api/messages). */
export const SEND_LIMITS = {
  caption: 1024,
  callbackData: 512,
  buttons: { count: 3, title: 20, id: 256, body: 1024, footer: 60, header: 60 },
  list: { button: 20, sections: 10, rows: 10, sectionTitle: 24, rowTitle: 24, rowId: 200, description: 72, body: 4096 },
  ctaUrl: { displayText: 20 },
} as const;

export const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** What each media kind takes besides its id or link (Meta's media message page). */
const MEDIA_OPTIONS: Record<MediaKind, { caption?: true; filename?: true }> = {
  image: { caption: true },
  video: { caption: true },
  document: { caption: true, filename: true },
  audio: {},
  sticker: {},
};

const ONE_SOURCE = 'an object with id (an uploaded media id) or link (an https:// URL)';

/**
 * `{ id }` or `{ link: 'https://…' }`, a caption where the kind takes one, a filename for a document.
 * `inMessage` is false for a header or a template parameter, which take no caption.
 */
export const media = (kind: MediaKind, inMessage = true) => {
  const options = MEDIA_OPTIONS[kind];
  const caption = !inMessage
    ? absent(`this ${kind} takes no caption; leave it out`)
    : options.caption
      ? v.optional(text({ max: SEND_LIMITS.caption }))
      : absent(`${kind} takes no caption; captions are for image, video and document messages`);
  return v.pipe(
    object(
      {
        id: v.optional(
          v.pipe(
            v.string('must be the media id Meta returned for the upload, as a string'),
            v.check((id) => id.trim() !== '', 'must be the media id Meta returned for the upload, as a string'),
          ),
        ),
        link: v.optional(v.custom<string>(isHttpsUrl, 'must be an https:// URL')),
        caption,
        filename: options.filename
          ? v.optional(string('the file name shown to the user, e.g. invoice.pdf'))
          : absent('only a document takes a filename'),
      },
      ONE_SOURCE,
    ),
    v.check(
      (given) => (given.id === undefined) !== (given.link === undefined),
      'give exactly one of id (an uploaded media id) or link (an https:// URL)',
    ),
  );
};

export const location = object(
  {
    latitude: numberIn(-90, 90),
    longitude: numberIn(-180, 180),
    name: v.optional(string('a string, or left out')),
    address: v.optional(string('a string, or left out')),
  },
  'an object with latitude and longitude, e.g. {"latitude": 52.52, "longitude": 13.4}',
);
