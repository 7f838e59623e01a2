// Progressive enhancement for the application wizard (REG-7, REG-8): checks the business email
// address, or a location, as soon as the applicant leaves it, with the rules the server applies
// on "Save and continue". Without this file nothing is lost: the same checks run on saving.
const form = document.querySelector('form[data-step]');

/** The pre-check API's findings, or undefined when it cannot answer (offline, throttled…). */
async function precheck(body) {
  try {
    const res = await fetch('/api/v1/registration/pre-check', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    if (!res.ok) return undefined;
    const data = await res.json();
    return Array.isArray(data.findings) ? data.findings : undefined;
  } catch {
    return undefined;
  }
}

/** Shows the problems and flags in the field's live region (announced politely). */
function show(region, findings) {
  const problems = findings.filter((f) => f.outcome === 'fail' || f.outcome === 'review');
  region.replaceChildren();
  if (problems.length === 0) return;
  const list = document.createElement('ul');
  for (const finding of problems) {
    const item = document.createElement('li');
    // The API's message starts with the requirement ID ("REG-8: …"); applicants read plain words.
    item.textContent = String(finding.message ?? '').replace(/^REG-\d+\s?:\s*/, '');
    if (finding.outcome === 'fail') item.className = 'field-error';
    list.append(item);
  }
  region.append(list);
}

if (form instanceof HTMLFormElement) {
  const step = form.dataset.step;
  const country = form.dataset.country ?? '';
  const website = form.dataset.website ?? '';
  const value = (name) => {
    const element = form.elements.namedItem(name);
    return element && 'value' in element ? String(element.value) : '';
  };

  if (step === 'contacts') {
    const email = form.elements.namedItem('contacts.email');
    const region = form.querySelector('[data-live-for="contacts.email"]');
    if (email instanceof HTMLInputElement && region) {
      email.addEventListener('blur', async () => {
        if (!email.value.trim()) return region.replaceChildren();
        const findings = await precheck({ country, email: email.value, website });
        if (findings) show(region, findings);
      });
    }
  }

  if (step === 'locations') {
    // Checked when focus leaves a location's group of fields, so half-typed addresses are left alone.
    form.addEventListener('focusout', async (event) => {
      const row = event.target instanceof Element ? event.target.closest('fieldset[data-row]') : null;
      if (!row || (event.relatedTarget instanceof Node && row.contains(event.relatedTarget))) return;
      const region = row.querySelector('[data-live-for]');
      const p = `locations.${row.dataset.row}`;
      // Blank lines keep their place, so a flag names the same line number as on saving.
      const lines = [value(`${p}.line1`), value(`${p}.line2`)];
      while (lines.length > 0 && !lines[lines.length - 1].trim()) lines.pop();
      if (!region) return;
      if (lines.length === 0 && !value(`${p}.city`).trim()) return region.replaceChildren();
      const findings = await precheck({
        country,
        address: { lines, city: value(`${p}.city`), postcode: value(`${p}.postcode`), country: value(`${p}.country`) },
        ...(value(`${p}.type`) ? { locationType: value(`${p}.type`) } : {}),
        locationIndex: Number(row.dataset.row) || 0,
      });
      if (findings) show(region, findings);
    });
  }
}
