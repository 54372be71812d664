/** Plain-text tables for the terminal (and the README, which shows the same text in a code block). */
export const renderTable = (header: string[], rows: Array<Array<string | number>>): string => {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        // Numbers right-aligned, text left-aligned.
        return /^[-+]?[\d.,]+( ?[a-zA-Z%×/]+)?$/.test(cell) && column > 0 ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.slice(1).map(line)].join('\n');
};

export const fixed = (value: number, places = 2): string => {
  const text = value.toFixed(places);
  return places > 0 ? text.replace(/\.?0+$/, '') || '0' : text;
};

export const verdict = (holds: boolean | undefined, over = ''): string =>
  holds === undefined ? '' : holds ? 'holds' : `FAILS${over ? ` (${over})` : ''}`;
