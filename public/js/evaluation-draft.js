// The evaluator's scores saved as a draft while they type (a convenience: "保存评分" does the same without JavaScript).
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form[data-testid="score-form"]');
  const status = form?.querySelector('[data-testid="draft-hint"]');
  if (!form || !status) return;
  let timer;
  let last = new URLSearchParams(new FormData(form)).toString();
  const save = async () => {
    const data = new FormData(form);
    data.set('intent', 'autosave');
    const body = new URLSearchParams(data);
    const now = body.toString();
    if (now === last) return;
    try {
      const res = await fetch(form.action, { method: 'POST', body, credentials: 'same-origin', redirect: 'manual' });
      if (res.status !== 204) throw new Error(String(res.status));
      last = now;
      const at = new Date().toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });
      status.textContent = status.dataset.saved.replace('{at}', at);
    } catch {
      status.textContent = status.dataset.failed;
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  };
  form.addEventListener('input', later);
  // Leaving with a save still waiting: the browser sends it on the way out.
  let submitting = false;
  window.addEventListener('pagehide', () => {
    clearTimeout(timer);
    if (submitting) return;
    const data = new FormData(form);
    data.set('intent', 'autosave');
    const body = new URLSearchParams(data);
    if (body.toString() !== last) navigator.sendBeacon(form.action, body);
  });
  form.addEventListener('submit', () => {
    submitting = true;
    clearTimeout(timer);
  });
  form.addEventListener('change', () => {
    clearTimeout(timer);
    save();
  });
});
