// Progressive enhancement for the page that shows a PICA registration number and verification
// key once (PICA-5): copy buttons and a print button. Without this file the values are plain
// text that can be selected and the browser's own print works.
const status = document.querySelector('[data-copied]');
for (const button of document.querySelectorAll('[data-copy]')) {
  if (!(button instanceof HTMLButtonElement) || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy ?? '');
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent?.trim() ?? '');
      if (status) status.textContent = `${button.textContent?.trim() ?? ''} ✓`;
    } catch {
      if (status) status.textContent = '';
    }
  });
}
const print = document.querySelector('[data-print]');
if (print instanceof HTMLButtonElement) {
  print.hidden = false;
  print.addEventListener('click', () => window.print());
}
