// Conveniences on top of pages that work without JavaScript.
document.addEventListener('DOMContentLoaded', () => {
  // Language select submits on change; the button stays for keyboards and no-JS.
  const lang = document.getElementById('lang-select');
  if (lang && lang.form) lang.addEventListener('change', () => lang.form.submit());
  // Confirmation for destructive actions: <form data-confirm="…">.
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  }
});
