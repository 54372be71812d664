/** HTML escaping, category colours and number formatting shared by the cost report page's parts. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML (and inline SVG) text and quoted attribute values. */
export const escapeHtml = (value: string): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Fixed colours for the categories the rate cards know, in stacking order (bottom first). */
export const CATEGORY_COLOURS: Readonly<Record<string, string>> = {
  marketing: '#4e79a7',
  marketing_lite: '#a0cbe8',
  utility: '#f28e2b',
  authentication: '#59a14f',
  authentication_international: '#8cd17d',
  service: '#e15759',
  referral_conversion: '#b6992d',
  business_initiated: '#b07aa1',
  user_initiated: '#ff9da7',
};
const KNOWN_ORDER = Object.keys(CATEGORY_COLOURS);

/** The colour of a category: a fixed one when known, else a hue hashed from its name (FNV-1a). */
export const categoryColour = (category: string): string => {
  const fixed = Object.hasOwn(CATEGORY_COLOURS, category) ? CATEGORY_COLOURS[category] : undefined;
  if (fixed) return fixed;
  let hash = 0x811c9dc5;
  for (let i = 0; i < category.length; i++) hash = Math.imul(hash ^ category.charCodeAt(i), 0x01000193) >>> 0;
  return `hsl(${hash % 360}, 45%, 48%)`;
};

export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const compareCategories = (a: string, b: string): number => {
  const [ia, ib] = [KNOWN_ORDER.indexOf(a), KNOWN_ORDER.indexOf(b)];
  if (ia !== -1 || ib !== -1) return ia === -1 ? 1 : ib === -1 ? -1 : ia - ib;
  return compareText(a, b);
};

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/** A report amount (at most 6 decimals) as integer micro-units. */
export const micros = (amount: number): number => Math.round(amount * 1e6);

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Whole units with thousands separators: 1234567 → 1,234,567. */
export const formatUnits = (units: number): string =>
  (units < 0 ? '-' : '') + group(String(Math.abs(Math.round(units))));

/** Micro-units as an amount with thousands separators, 2 to 6 decimals: 20475000 → 20.475, 0 → 0.00. */
export const formatMicros = (value: number): string => {
  const negative = value < 0;
  const abs = Math.abs(Math.round(value));
  const whole = Math.floor(abs / 1e6);
  const fraction = String(abs % 1e6)
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${negative ? '-' : ''}${group(String(whole))}.${fraction.padEnd(2, '0')}`;
};

/** A report amount (at most 6 decimals) with thousands separators and 2 to 6 decimals. */
export const formatAmount = (amount: number): string => formatMicros(micros(amount));

export const money = (value: number, currency: string): string => `${formatMicros(value)} ${escapeHtml(currency)}`;

/** A coordinate with at most 2 decimals, for a compact and stable SVG. */
export const coord = (value: number): string => String(Math.round(value * 100) / 100);
