// Draws the hotline page's charts (#17) from the figures its tables show: calls and answer rate
// over the year's quarters, referrals and their follow-up per department. The data comes
// HTML-escaped in <script type="application/json">; a detached textarea decodes it (CSP: no inline script).
document.addEventListener('DOMContentLoaded', () => {
  const holder = document.getElementById('hotline-chart-data');
  if (!holder || typeof window.Chart === 'undefined') return;
  const decoder = document.createElement('textarea');
  decoder.innerHTML = holder.textContent;
  let data;
  try {
    data = JSON.parse(decoder.value);
  } catch {
    return;
  }
  const trend = document.getElementById('hotline-trend-chart');
  if (trend) {
    trend.dataset.drawn = '1';
    new window.Chart(trend, {
      data: {
        labels: data.trend.labels,
        datasets: [
          { type: 'bar', label: data.trend.names[0], data: data.trend.calls, backgroundColor: '#0d6efd', yAxisID: 'y' },
          { type: 'bar', label: data.trend.names[1], data: data.trend.answered, backgroundColor: '#198754', yAxisID: 'y' },
          { type: 'line', label: data.trend.names[2], data: data.trend.answerRate, borderColor: '#fd7e14', backgroundColor: '#fd7e14', yAxisID: 'rate' },
        ],
      },
      options: {
        responsive: true,
        scales: { y: { beginAtZero: true }, rate: { position: 'right', beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } } },
      },
    });
  }
  const departments = document.getElementById('hotline-department-chart');
  if (departments) {
    departments.dataset.drawn = '1';
    const colours = ['#6f42c1', '#198754'];
    new window.Chart(departments, {
      type: 'bar',
      data: { labels: data.departments.labels, datasets: data.departments.datasets.map((d, i) => ({ ...d, backgroundColor: colours[i % colours.length] })) },
      options: { responsive: true, scales: { y: { beginAtZero: true } } },
    });
  }
});
