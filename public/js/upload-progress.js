// Upload progress for forms marked <form data-upload-progress enctype="multipart/form-data">.
// Without JavaScript the form submits normally; with it, the form is sent by XMLHttpRequest and
// a Bootstrap progress bar shows how much has been sent. The bar's width is set through
// element.style (allowed by the CSP, unlike style="" attributes in the HTML).
// Labels come from the form: data-upload-label (the bar's accessible name), data-upload-failed.
(() => {
  'use strict';

  function progressBar(form) {
    let wrapper = form.querySelector('.upload-progress');
    if (!wrapper) {
      wrapper = document.createElement('div');
      wrapper.className = 'upload-progress progress my-2';
      wrapper.setAttribute('role', 'progressbar');
      wrapper.setAttribute('aria-valuemin', '0');
      wrapper.setAttribute('aria-valuemax', '100');
      wrapper.setAttribute('aria-label', form.dataset.uploadLabel || '');
      const bar = document.createElement('div');
      bar.className = 'progress-bar';
      wrapper.appendChild(bar);
      const submit = form.querySelector('[type="submit"]');
      (submit ? submit.parentNode : form).insertBefore(wrapper, submit);
    }
    return wrapper;
  }

  function show(wrapper, percent) {
    const value = Math.max(0, Math.min(100, Math.round(percent)));
    wrapper.hidden = false;
    wrapper.setAttribute('aria-valuenow', String(value));
    const bar = wrapper.querySelector('.progress-bar');
    bar.style.width = `${value}%`;
    bar.textContent = `${value}%`;
    const native = wrapper.querySelector('progress');
    if (native) native.value = value;
  }

  function failed(form, wrapper, buttons) {
    wrapper.hidden = true;
    for (const b of buttons) b.disabled = false;
    let alert = form.querySelector('.upload-failed');
    if (!alert) {
      alert = document.createElement('div');
      alert.className = 'upload-failed alert alert-danger my-2';
      alert.setAttribute('role', 'alert');
      form.prepend(alert);
    }
    alert.textContent = form.dataset.uploadFailed || 'Upload failed.';
  }

  // The server answered with a page (the next page, or the form again with its errors, 422):
  // show its <main> in place of ours. Its scripts do not run; this file binds new forms again.
  function replaceMain(html) {
    const next = new DOMParser().parseFromString(html, 'text/html');
    const incoming = next.querySelector('main');
    const current = document.querySelector('main');
    if (!incoming || !current) return false;
    current.replaceWith(document.importNode(incoming, true));
    if (next.title) document.title = next.title;
    bindAll();
    const focus = document.querySelector('main .is-invalid, main [role="alert"], main h1');
    if (focus) {
      if (!focus.hasAttribute('tabindex') && !/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(focus.tagName)) focus.setAttribute('tabindex', '-1');
      focus.focus();
    }
    return true;
  }

  function bind(form) {
    if (form.dataset.uploadProgressBound) return;
    form.dataset.uploadProgressBound = '1';
    form.addEventListener('submit', (event) => {
      if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
      event.preventDefault();
      const buttons = form.querySelectorAll('button, [type="submit"]');
      for (const b of buttons) b.disabled = true;
      const wrapper = progressBar(form);
      show(wrapper, 0);
      const xhr = new XMLHttpRequest();
      xhr.open((form.getAttribute('method') || 'POST').toUpperCase(), form.action);
      xhr.responseType = 'text';
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) show(wrapper, (e.loaded / e.total) * 100);
      });
      xhr.addEventListener('load', () => {
        // A successful command redirects and XHR followed it: show that page's <main> (with its
        // flash message, which a second request would no longer carry) under its address.
        if (xhr.status >= 200 && xhr.status < 300) {
          const url = xhr.responseURL || form.action;
          if (replaceMain(xhr.responseText)) window.history.pushState(null, '', url);
          else window.location.assign(url);
          return;
        }
        if (!replaceMain(xhr.responseText)) failed(form, wrapper, buttons);
      });
      xhr.addEventListener('error', () => failed(form, wrapper, buttons));
      xhr.addEventListener('abort', () => failed(form, wrapper, buttons));
      xhr.send(new FormData(form));
    });
  }

  function bindAll() {
    for (const form of document.querySelectorAll('form[data-upload-progress]')) bind(form);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', bindAll);
  else bindAll();
})();
