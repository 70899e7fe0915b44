// The search page loads Pagefind (served by the site itself, no CDN) only when it is opened:
// other pages load no search code at all.
(function () {
  var target = document.getElementById("registre-recherche");
  if (!target) return;
  var base = new URL("../pagefind/", document.currentScript.src);
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("pagefind-ui.css", base).href;
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = new URL("pagefind-ui.js", base).href;
  script.onload = function () {
    new PagefindUI({
      element: "#registre-recherche",
      showSubResults: true,
      showImages: false,
      translations: { placeholder: "Rechercher une délibération, un élu, un thème…" },
    });
    var input = target.querySelector("input");
    if (input) input.setAttribute("aria-label", "Rechercher dans les délibérations");
    var query = new URLSearchParams(window.location.search).get("q");
    if (input && query) {
      input.value = query;
      input.dispatchEvent(new Event("input"));
    }
  };
  document.head.appendChild(script);
})();
