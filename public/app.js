// Progressive enhancement only: every page works without this file.
// Move focus to a form's error summary so screen readers announce the problems at once.
const summary = document.querySelector('[data-error-summary]');
if (summary instanceof HTMLElement) summary.focus();
