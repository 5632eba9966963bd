// The app's few scripts (no inline scripts: the Content-Security-Policy allows only files from this origin).
// Filter forms marked data-autosubmit apply a choice as soon as it is made (a select, a date, the star box), and stay
// inside the live page when it is connected: the form's address is navigated to without reloading the page.
document.addEventListener('change', event => {
  const form = event.target.closest && event.target.closest('form[data-autosubmit]');
  if (form && event.target.matches('select, input[type=checkbox], input[type=date]')) {
    form.requestSubmit();
  }
});

document.addEventListener('submit', event => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-autosubmit') || !window.Blazor || !document.querySelector('[data-interactive=true]')) {
    return;
  }
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (value !== '') {
      query.append(name, value);
    }
  }
  const text = query.toString();
  event.preventDefault();
  window.Blazor.navigateTo(form.getAttribute('action') + (text ? '?' + text : ''));
}, true);

// Wide screens show every filter; phones fold them under "Filters" (a <details> that is open when a filter is set).
function openWideFilters() {
  if (window.matchMedia('(min-width: 600px)').matches) {
    document.querySelectorAll('details[data-wide-open]:not([open])').forEach(d => d.open = true);
  }
}
new MutationObserver(openWideFilters).observe(document.documentElement, { childList: true, subtree: true });
document.addEventListener('DOMContentLoaded', openWideFilters);

// On a phone the menu covers the page: a choice in it closes it (the menu button is the #menu-toggle checkbox).
document.addEventListener('click', event => {
  const toggle = document.getElementById('menu-toggle');
  if (toggle && event.target.closest && event.target.closest('.shell-drawer a') && window.matchMedia('(max-width: 959px)').matches) {
    toggle.checked = false;
  }
});

// The new-job form keeps an unsent draft in this browser, so a reload or a lost connection does not lose it.
window.reapiDraft = {
  load: key => { try { return localStorage.getItem(key); } catch { return null; } },
  save: (key, value) => { try { localStorage.setItem(key, value); } catch { /* storage full or off: the draft is not kept */ } },
  clear: key => { try { localStorage.removeItem(key); } catch { /* nothing kept */ } },
};

// Times are written in UTC by the server; each <time data-local> is shown in the reader's time zone and format. The text
// goes into an attribute that CSS displays, so the live page's own DOM nodes are never replaced.
const localFormats = {
  date: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }),
  datetime: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
};
function showLocalTimes(root) {
  (root.querySelectorAll ? root : document).querySelectorAll('time[data-local]').forEach(t => {
    const at = new Date(t.getAttribute('datetime'));
    const text = isNaN(at) ? '' : (localFormats[t.dataset.local] || localFormats.datetime).format(at);
    if (text && t.dataset.localText !== text) {
      t.dataset.localText = text;
    }
  });
}
new MutationObserver(() => showLocalTimes(document)).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['datetime'] });
document.addEventListener('DOMContentLoaded', () => showLocalTimes(document));

// A running job's "Running for": counted in the browser each second (the server sends no ticks). Same words as the
// server's Elapsed.Describe; the text goes into an attribute, so the live page's own DOM nodes are never replaced.
function describeElapsed(seconds) {
  const pad = n => String(n).padStart(2, '0');
  seconds = Math.max(0, Math.floor(seconds));
  if (seconds < 60) { return `${seconds} s`; }
  if (seconds < 3600) { return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`; }
  return `${Math.floor(seconds / 3600)} h ${pad(Math.floor(seconds / 60) % 60)} min`;
}
setInterval(() => {
  document.querySelectorAll('time[data-elapsed-seconds]').forEach(t => {
    if (t.dataset.elapsedBase !== t.dataset.elapsedSeconds) {
      // A new figure from the server (the job changed): count on from it.
      t.dataset.elapsedBase = t.dataset.elapsedSeconds;
      t.dataset.elapsedFrom = Date.now();
    }
    t.dataset.elapsedText = describeElapsed(Number(t.dataset.elapsedSeconds) + (Date.now() - Number(t.dataset.elapsedFrom)) / 1000);
  });
}, 1000);

// A chat reply's code blocks have a Copy button (see ChatMarkdown): it copies the block's code.
document.addEventListener('click', async event => {
  const button = event.target.closest && event.target.closest('.code-copy');
  const code = button && button.closest('.code-block')?.querySelector('code');
  if (!code) {
    return;
  }

  try {
    await navigator.clipboard.writeText(code.innerText);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy';
  }

  setTimeout(() => { button.textContent = 'Copy'; }, 1500);
});
