// Progressive enhancement only: every page works without this file.
// Move focus to a form's error summary so screen readers announce the problems at once.
const summary = document.querySelector('[data-error-summary]');
if (summary instanceof HTMLElement) summary.focus();

// A secret shown once (a new API key) is selected when focused, ready to copy.
for (const field of document.querySelectorAll('[data-select-on-focus]')) {
  if (field instanceof HTMLInputElement) field.addEventListener('focus', () => field.select());
}
