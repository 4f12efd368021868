// Draws the finance dashboard's charts from the figures the page also shows as tables.
// The data comes HTML-escaped inside <script type="application/json"> (views only use <%= );
// a detached textarea decodes the entities without running anything.
document.addEventListener('DOMContentLoaded', () => {
  const holder = document.getElementById('finance-chart-data');
  if (!holder || typeof window.Chart === 'undefined') return;
  const decoder = document.createElement('textarea');
  decoder.innerHTML = holder.textContent;
  let data;
  try {
    data = JSON.parse(decoder.value);
  } catch {
    return;
  }
  const colours = ['#0d6efd', '#fd7e14', '#198754'];
  const fund = document.getElementById('fund-source-chart');
  if (fund) {
    new window.Chart(fund, {
      type: 'bar',
      data: {
        labels: data.fundSources.labels,
        datasets: data.fundSources.datasets.map((d, i) => ({ ...d, backgroundColor: colours[i % colours.length], maxBarThickness: 48 })),
      },
      options: { responsive: true, maintainAspectRatio: false },
    });
  }
  const lottery = document.getElementById('lottery-chart');
  if (lottery && data.lottery.labels.length) {
    // One or two years are bars (a line of two dots says little); from three years on, the trend as a line.
    const line = data.lottery.type === 'line';
    new window.Chart(lottery, {
      type: line ? 'line' : 'bar',
      data: {
        labels: data.lottery.labels,
        datasets: data.lottery.datasets.map((d, i) =>
          line
            ? { ...d, borderColor: colours[i % colours.length], borderDash: i === 1 ? [6, 4] : [] }
            : { ...d, backgroundColor: colours[i % colours.length], maxBarThickness: 48 },
        ),
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { callback: (v) => `${v}%` } } } },
    });
  }
});
