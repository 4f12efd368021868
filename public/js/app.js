// Conveniences on top of pages that work without JavaScript.
document.addEventListener('DOMContentLoaded', () => {
  // Confirmation for destructive actions: <form data-confirm="…">.
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  }
  // Navigation groups are <details>: one open at a time, closed by a click elsewhere or Escape.
  const groups = [...document.querySelectorAll('details[data-nav-group]')];
  for (const group of groups) {
    group.addEventListener('toggle', () => {
      if (group.open) for (const other of groups) if (other !== group) other.open = false;
    });
  }
  document.addEventListener('click', (e) => {
    for (const group of groups) if (group.open && !group.contains(e.target)) group.open = false;
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    for (const group of groups) {
      if (!group.open) continue;
      group.open = false;
      group.querySelector('summary')?.focus();
    }
  });
  // A table that scrolls sideways (a phone) can be scrolled from the keyboard: it takes the focus.
  const scrollers = () => {
    for (const box of document.querySelectorAll('main .table-responsive, main table.table')) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute('tabindex', '0');
      else if (box.getAttribute('tabindex') === '0') box.removeAttribute('tabindex');
    }
  };
  scrollers();
  window.addEventListener('resize', scrollers);
  // A save refused as stale (#14) comes back as the whole page, whose form may stand far below the
  // top (a claim's receipts, a contract's sections): its notice, with the kept input under it, is
  // brought into view and takes the focus, so the user reads why nothing was saved. The scroll is
  // instant (Bootstrap makes scrolling smooth: an animated one still runs while the user starts to
  // read, and a focus that scrolls too would re-aim it), and the focus does not scroll again.
  const stale = document.querySelector('[data-testid="stale-edit"]');
  if (stale) {
    stale.setAttribute('tabindex', '-1');
    stale.scrollIntoView({ block: 'start', behavior: 'instant' });
    stale.focus({ preventScroll: true });
  }
});
