// A queue's batch bar: ticking rows shows how many are chosen and their total before the
// confirmation (which states both again, also without JavaScript); the header box ticks the page.
document.addEventListener('DOMContentLoaded', () => {
  const label = document.querySelector('[data-testid="batch-selected"]');
  if (!label) return;
  const boxes = () => Array.from(document.querySelectorAll('input[type="checkbox"][name="ids"][form="batch-form"]'));
  const yuan = (fen) => `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const all = document.getElementById('batch-select-page');
  const update = () => {
    const chosen = boxes().filter((b) => b.checked);
    const fen = chosen.reduce((s, b) => s + Number(b.dataset.amountFen || 0), 0);
    label.textContent = chosen.length
      ? label.dataset.some.replace('{count}', String(chosen.length)).replace('{total}', yuan(fen))
      : label.dataset.none;
    if (all) {
      all.checked = chosen.length > 0 && chosen.length === boxes().length;
      all.indeterminate = chosen.length > 0 && chosen.length < boxes().length;
    }
  };
  document.addEventListener('change', (e) => {
    if (e.target === all) for (const b of boxes()) b.checked = all.checked;
    update();
  });
  update();
});
