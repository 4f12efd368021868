// A running batch's page polls its record and moves the bar; when it ends, the page reloads to
// list each item's result. Without JavaScript the page reloads itself (meta refresh) instead.
document.addEventListener('DOMContentLoaded', () => {
  const bar = document.querySelector('[data-progress-href]');
  if (!bar) return;
  const fill = bar.querySelector('.progress-bar');
  const text = document.querySelector('[data-testid="batch-counts"]');
  const tick = async () => {
    try {
      const res = await fetch(bar.dataset.progressHref, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) return;
      const p = await res.json();
      fill.style.width = `${p.percent}%`;
      fill.textContent = `${p.percent}%`;
      bar.setAttribute('aria-valuenow', String(p.percent));
      if (text) text.textContent = text.dataset.template.replace('{decided}', p.decided).replace('{total}', p.total).replace('{done}', p.done).replace('{refused}', p.refused);
      if (p.status !== 'running') {
        window.location.reload();
        return;
      }
    } catch {
      // The next tick tries again.
    }
    setTimeout(tick, 700);
  };
  setTimeout(tick, 500);
});
