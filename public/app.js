// Progressive enhancement only: every page works without this file.
// Move focus to a form's error summary so screen readers announce the problems at once.
const summary = document.querySelector('[data-error-summary]');
if (summary instanceof HTMLElement) summary.focus();

// A secret shown once (a new API key) is selected when focused, ready to copy.
for (const field of document.querySelectorAll('[data-select-on-focus]')) {
  if (field instanceof HTMLInputElement) field.addEventListener('focus', () => field.select());
}

// X-1, REG-13: switching language must not lose what was typed on a form that saves drafts
// (`data-save-before-language`, e.g. a wizard step). When such a form has changes, it is saved
// first (the wizard saves every step, valid or not), then the language changes and the page
// comes back with the saved draft. If saving fails, the person is asked before anything is lost.
const switcher = document.querySelector('form.language-switcher');
const draft = document.querySelector('form[data-save-before-language]');
if (switcher instanceof HTMLFormElement && draft instanceof HTMLFormElement) {
  let changed = false;
  draft.addEventListener('input', () => (changed = true));
  draft.addEventListener('change', () => (changed = true));
  draft.addEventListener('submit', () => (changed = false));
  switcher.addEventListener('submit', async (event) => {
    if (!changed) return;
    event.preventDefault();
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(draft))
      if (typeof value === 'string' && name !== 'action') body.append(name, value);
    body.append('action', 'save');
    let saved;
    try {
      // The form's own address: `draft.action` would be its button named "action".
      const res = await fetch(draft.getAttribute('action') ?? '', {
        method: 'POST',
        body,
        credentials: 'same-origin',
        redirect: 'follow',
      });
      saved = res.ok || res.status === 422;
    } catch {
      saved = false;
    }
    if (saved || window.confirm(switcher.dataset.unsavedWarning ?? '')) {
      changed = false;
      switcher.submit();
    }
  });
}
