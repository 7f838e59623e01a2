// Progressive enhancement of an account-list upload's page: polls the upload's status every
// second and updates the counts; when the upload ends, swaps in the server-rendered result.
// Without JavaScript the page's "Refresh" link does the same.
const root = document.querySelector('[data-upload-progress][data-poll-url]');
if (root instanceof HTMLElement) {
  const pollUrl = root.dataset.pollUrl ?? '';
  const processingText = root.dataset.processingText ?? '';
  const status = root.querySelector('[data-upload-status]');
  const number = new Intl.NumberFormat(document.documentElement.lang || undefined);
  let lastAnnounced = 0;

  /** Replaces the details with those of the freshly rendered page, and announces the outcome. */
  const showResult = async () => {
    const res = await fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
    if (!res.ok) throw new Error(`page answered ${res.status}`);
    const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
    const details = fresh.querySelector('[data-upload-details]');
    const freshStatus = fresh.querySelector('[data-upload-status]');
    const current = root.querySelector('[data-upload-details]');
    if (!details || !freshStatus || !current || !status) throw new Error('unexpected page');
    current.replaceWith(document.importNode(details, true));
    status.textContent = freshStatus.textContent;
  };

  const poll = async () => {
    try {
      const res = await fetch(pollUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) throw new Error(`status answered ${res.status}`);
      const upload = await res.json();
      for (const key of ['rowsRead', 'rowsWritten', 'rowsRejected', 'duplicates']) {
        const cell = root.querySelector(`[data-count="${key}"]`);
        if (cell && typeof upload[key] === 'number') cell.textContent = number.format(upload[key]);
      }
      if (upload.status === 'done' || upload.status === 'failed') {
        await showResult();
        return;
      }
      // The live region speaks at most every ten seconds while the rows are read.
      if (status && Date.now() - lastAnnounced > 10_000) {
        status.textContent = processingText.replace('%ROWS%', number.format(upload.rowsRead ?? 0));
        lastAnnounced = Date.now();
      }
      setTimeout(poll, 1000);
    } catch {
      // Whatever went wrong, a plain reload shows the upload as the server sees it.
      setTimeout(() => window.location.reload(), 3000);
    }
  };
  lastAnnounced = Date.now();
  setTimeout(poll, 1000);
}
