import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { SelectField } from './components.tsx';
import { countrySelectOptions } from './page-helpers.tsx';

/** What SelectField rendered before it kept long lists: one element per option, on every page. */
function plain(options: readonly { value: string; label: string; lang?: string }[], value?: string) {
  return renderToString(
    <div class="field">
      <label for="field-country">Country</label>
      <select id="field-country" name="country">
        {options.map((o) => (
          <option value={o.value} selected={o.value === value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </div>,
  );
}

const field = (options: readonly { value: string; label: string; lang?: string }[], value?: string) =>
  renderToString(<SelectField name="country" label="Country" value={value} options={options} />);

describe('#15 a long select list rendered once and kept', () => {
  it('renders the country list exactly as one element per option would, whatever is chosen', () => {
    const options = countrySelectOptions('fr', 'Tous les pays <&>');
    expect(options.length).toBeGreaterThan(200);
    for (const value of [undefined, '', 'DE', 'CI', 'XX', '"><script>'])
      for (let twice = 0; twice < 2; twice++) expect(field(options, value)).toBe(plain(options, value));
  });

  it('keeps the same country list per language and label, so that its HTML can be kept', () => {
    expect(countrySelectOptions('ja', 'すべて')).toBe(countrySelectOptions('ja', 'すべて'));
    expect(countrySelectOptions('ja', 'すべて')).not.toBe(countrySelectOptions('en', 'すべて'));
    expect(countrySelectOptions('en', 'Any')).not.toBe(countrySelectOptions('en', 'Choose'));
  });

  it('renders a short list and a list made afresh for each page as before', () => {
    const short = [
      { value: '10', label: '10 km' },
      { value: '50', label: '50 km' },
    ];
    expect(field(short, '50')).toBe(plain(short, '50'));
    const long = Array.from({ length: 60 }, (_, i) => ({ value: String(i), label: `<${i}>`, lang: 'en' }));
    expect(field([...long], '7')).toBe(plain(long, '7'));
    expect(field([...long], '8')).toBe(plain(long, '8'));
  });
});
