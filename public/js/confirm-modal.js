// The second look before money moves (server/middleware/confirm.ts) without leaving the page.
// Without JavaScript a guarded button posts and the server answers a confirmation page. Here a
// button marked data-confirm-first posts the same fields in the background with
// X-Confirm-Preview: 1 — the server changes nothing without confirmed=1 — and shows its answer,
// the same confirmation box, in a Bootstrap modal whose button posts the form for real. Anything
// else the server answers (a refused form, a conflict) is shown the ordinary way: the form is
// submitted as if this script were not here.
(() => {
  const PREVIEW = { 'X-Confirm-Preview': '1' };

  function isGuarded(form, submitter) {
    if (submitter) return submitter.hasAttribute('data-confirm-first');
    return form.querySelector('[data-confirm-first]:not([formaction])') !== null;
  }

  function submitPlainly(form, submitter) {
    form.dataset.confirmPlain = '1';
    if (submitter) form.requestSubmit(submitter);
    else form.requestSubmit();
  }

  function show(html, opener) {
    document.getElementById('confirm-modal')?.remove();
    const holder = document.createElement('div');
    holder.innerHTML = html;
    const modal = holder.querySelector('#confirm-modal');
    if (!modal) return false;
    document.body.append(modal);
    modal.addEventListener('hidden.bs.modal', () => {
      modal.remove();
      opener?.focus();
    });
    window.bootstrap.Modal.getOrCreateInstance(modal).show();
    return true;
  }

  document.addEventListener('submit', async (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.confirmPlain === '1') {
      delete form.dataset.confirmPlain;
      return;
    }
    const submitter = e.submitter instanceof HTMLElement ? e.submitter : null;
    if (!isGuarded(form, submitter) || !window.bootstrap || !window.fetch) return;
    const enctype = submitter?.getAttribute('formenctype') || form.enctype;
    if (enctype === 'multipart/form-data') return;
    e.preventDefault();
    const action = submitter?.getAttribute('formaction') ? submitter.formAction : form.action;
    let res;
    try {
      res = await fetch(action, { method: 'POST', body: new URLSearchParams(new FormData(form, submitter)), headers: PREVIEW, credentials: 'same-origin' });
    } catch {
      return submitPlainly(form, submitter);
    }
    if (res.ok && res.headers.get('X-Confirmation') === '1' && show(await res.text(), submitter)) return;
    // Not a confirmation: a form that acted already shows where it led; anything else is asked again the ordinary way.
    if (res.redirected) return window.location.assign(res.url);
    submitPlainly(form, submitter);
  });
})();
