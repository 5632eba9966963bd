// Light or dark: the browser's preference unless the person chose otherwise with the top bar's toggle (kept in this
// browser). Loaded in <head>, before the page paints, so a dark page never flashes white. The palettes themselves are
// CSS variables written by App.razor: :root (light) and :root[data-theme=dark].
(function () {
    var key = 'reapiweb.theme';
    var media = window.matchMedia('(prefers-color-scheme: dark)');

    function stored() {
        try { return localStorage.getItem(key); } catch (e) { return null; }
    }

    function system() {
        return media.matches ? 'dark' : 'light';
    }

    function apply() {
        document.documentElement.setAttribute('data-theme', stored() || system());
    }

    apply();
    media.addEventListener('change', apply);
    // Blazor's enhanced navigation from a server-rendered page (sign-in, password) drops attributes the server did not
    // write on <html>: put the theme back whenever it goes.
    new MutationObserver(function () {
        if (!document.documentElement.hasAttribute('data-theme')) { apply(); }
    }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    window.addEventListener('storage', function (e) { if (e.key === key) { apply(); } });
    document.addEventListener('click', function (e) {
        var toggle = e.target.closest && e.target.closest('[data-theme-toggle]');
        if (!toggle) {
            return;
        }

        var next = document.documentElement.getAttribute('data-theme') === 'dark' ? 'light' : 'dark';
        try {
            // Choosing what the browser prefers anyway means following the browser again.
            if (next === system()) { localStorage.removeItem(key); } else { localStorage.setItem(key, next); }
        } catch (err) { /* storage refused: the choice lasts for this page */ }
        document.documentElement.setAttribute('data-theme', next);
    });
})();
