// A session's roster: the header box ticks every worker shown as attended (hundreds in one click);
// without JavaScript each box is ticked by hand, and the pasted ID numbers remain.
document.addEventListener('DOMContentLoaded', () => {
  const all = document.getElementById('roster-select-all');
  if (!all) return;
  const boxes = () => Array.from(document.querySelectorAll('input[data-roster-attended]'));
  all.hidden = false;
  const update = () => {
    const ticked = boxes().filter((b) => b.checked).length;
    all.checked = ticked > 0 && ticked === boxes().length;
    all.indeterminate = ticked > 0 && ticked < boxes().length;
  };
  document.addEventListener('change', (e) => {
    if (e.target === all) for (const b of boxes()) b.checked = all.checked;
    update();
  });
  update();
});
