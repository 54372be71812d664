import { SECTIONS, selectedSections } from '../../bench/sections.ts';

describe('choosing the bench’s sections', () => {
  it('runs every section without --only', () => {
    expect(selectedSections([])).toEqual(new Set(SECTIONS));
  });

  it('runs the named sections with --only a,b or --only=a,b', () => {
    expect(selectedSections(['--only', 'emulation,cost'])).toEqual(new Set(['emulation', 'cost']));
    expect(selectedSections(['--only=bundles'])).toEqual(new Set(['bundles']));
  });

  it('refuses an unknown or missing section, naming the known ones', () => {
    expect(() => selectedSections(['--only', 'emulaton'])).toThrow(/among work, ingestion.*not "emulaton"/);
    expect(() => selectedSections(['--only'])).toThrow(/--only takes sections/);
  });
});
