// The evaluator's scores saved as a draft while they type (a convenience: "保存评分" does the same without JavaScript).
// Each autosave carries the version the form was opened on (_version) and hears the version its save made, so the
// page's next save goes on from it. One saved elsewhere meanwhile (another window, another person) answers 409: the
// page says so, stops saving by itself and leaves what was typed in the form; "保存评分" then shows what changed (#14).
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form[data-testid="score-form"]');
  const status = form?.querySelector('[data-testid="draft-hint"]');
  const staleBox = form?.querySelector('[data-testid="autosave-stale"]');
  if (!form || !status) return;
  const hidden = (name) => form.querySelector(`input[type="hidden"][name="${name}"]`);
  // What the evaluator typed, without the form's own fields: what an autosave compares.
  const typed = () => {
    const data = new URLSearchParams(new FormData(form));
    for (const name of ['_csrf', '_version', '_opened', 'intent']) data.delete(name);
    return data.toString();
  };
  const bodyOf = () => {
    const data = new FormData(form);
    data.set('intent', 'autosave');
    return new URLSearchParams(data);
  };
  let timer;
  let last = typed();
  let inFlight = null;
  let again = false;
  // A page that shows a stale save's notice waits for the evaluator to save it on purpose: an
  // autosave would apply the form over the other save's change before they have decided.
  let stale = !!form.querySelector('[data-testid="stale-edit"]');
  let submitting = false;
  const stopAsStale = (message) => {
    stale = true;
    clearTimeout(timer);
    status.textContent = '';
    if (staleBox) {
      staleBox.textContent = message;
      staleBox.classList.remove('d-none');
      staleBox.setAttribute('tabindex', '-1');
      staleBox.focus({ preventScroll: false });
    } else {
      status.textContent = message;
    }
  };
  const save = async () => {
    if (stale || submitting) return;
    // One save at a time: a second one would carry the version the first is about to move on.
    if (inFlight) {
      again = true;
      return;
    }
    const now = typed();
    if (now === last) return;
    const run = (async () => {
      try {
        const res = await fetch(form.action, { method: 'POST', body: bodyOf(), credentials: 'same-origin', redirect: 'manual' });
        if (res.status === 409) {
          const answer = await res.json().catch(() => ({}));
          stopAsStale(answer.message || status.dataset.failed);
          return;
        }
        if (res.status !== 200) throw new Error(String(res.status));
        const answer = await res.json();
        if (hidden('_version')) hidden('_version').value = String(answer.version);
        if (hidden('_opened')) hidden('_opened').value = answer.opened;
        last = now;
        const at = new Date().toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });
        status.textContent = status.dataset.saved.replace('{at}', at);
      } catch {
        status.textContent = status.dataset.failed;
      }
    })();
    inFlight = run;
    await run;
    inFlight = null;
    if (again) {
      again = false;
      save();
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  };
  form.addEventListener('input', later);
  // Leaving with a save still waiting: the browser sends it on the way out (refused if stale: nothing overwritten).
  window.addEventListener('pagehide', () => {
    clearTimeout(timer);
    if (submitting || stale || inFlight) return;
    if (typed() !== last) navigator.sendBeacon(form.action, bodyOf());
  });
  form.addEventListener('submit', (event) => {
    clearTimeout(timer);
    // An autosave under way moves the version on: send the form once it has answered, with that version.
    if (inFlight) {
      event.preventDefault();
      const submitter = event.submitter;
      again = false;
      inFlight.then(() => setTimeout(() => form.requestSubmit(submitter)));
      return;
    }
    submitting = true;
  });
  form.addEventListener('change', () => {
    clearTimeout(timer);
    save();
  });
});
