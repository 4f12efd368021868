// Draws the city overview's charts (bars per district, a line over the year's quarters) from the
// figures the page also shows as tables. The data comes HTML-escaped inside
// <script type="application/json"> (views only use <%= ); a detached textarea decodes the entities
// without running anything. CSP forbids inline script, so this file does it.
document.addEventListener('DOMContentLoaded', () => {
  const holder = document.getElementById('overview-chart-data');
  if (!holder || typeof window.Chart === 'undefined') return;
  const decoder = document.createElement('textarea');
  decoder.innerHTML = holder.textContent;
  let data;
  try {
    data = JSON.parse(decoder.value);
  } catch {
    return;
  }
  // No animation: a page printed (or a briefing saved as PDF) right after it loads shows the bars whole.
  const colours = ['#0d6efd', '#fd7e14', '#198754', '#6f42c1', '#d63384'];
  const percent = { y: { beginAtZero: true, ticks: { callback: (v) => `${v}%` } } };
  const bars = (id, chart) => {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    canvas.dataset.drawn = '1';
    new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map((d, i) => ({
          ...d,
          // The median's bar (chart.highlight) in the median line's colour; the districts' in the first.
          backgroundColor: chart.labels.map((_, bar) => (bar === chart.highlight ? colours[1] : colours[i % colours.length])),
        })),
      },
      options: { responsive: true, maintainAspectRatio: true, animation: false, scales: percent, plugins: { legend: { display: false } } },
    });
  };
  bars('overview-execution-chart', data.execution);
  bars('overview-ontime-chart', data.onTime);
  const trend = document.getElementById('overview-trend-chart');
  if (trend) {
    trend.dataset.drawn = '1';
    new window.Chart(trend, {
      type: 'line',
      data: {
        labels: data.trend.labels,
        datasets: data.trend.datasets.map((d, i) => ({ ...d, borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length], borderDash: i === 1 ? [6, 4] : [] })),
      },
      options: { responsive: true, maintainAspectRatio: true, animation: false, scales: percent },
    });
  }
});
