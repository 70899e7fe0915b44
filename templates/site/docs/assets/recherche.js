// The search page: a small interface on Pagefind's own API (pagefind.js, served by the site
// itself, no CDN), in the theme's look. Pagefind and its index load only when this page is
// opened, and only the index fragments a query needs. The index is one bundle per year (and
// one for the élus), listed in data-index and merged here into the primary one (pagefind/).
// Other pages load no search code at all.
(function () {
  var target = document.getElementById("registre-recherche");
  if (!target) return;
  var root = new URL("../", document.currentScript.src);
  target.innerHTML =
    '<form class="registre-recherche__form" role="search">' +
    '<label for="registre-q">Rechercher dans les délibérations, les séances et les élus</label>' +
    '<input id="registre-q" class="md-input" type="search" name="q" autocomplete="off"' +
    ' placeholder="ex. : budget primitif, marché de travaux, un nom…"></form>' +
    '<p class="registre-recherche__etat" role="status" aria-live="polite"></p>' +
    '<ol class="registre-recherche__resultats"></ol>';
  var input = target.querySelector("input");
  var status = target.querySelector(".registre-recherche__etat");
  var list = target.querySelector("ol");
  var merged = (target.dataset.index || "").split(" ").filter(Boolean);
  var engine = import(new URL("pagefind/pagefind.js", root).href).then(function (pagefind) {
    return pagefind.options({ baseUrl: root.pathname }).then(function () {
      return Promise.all(merged.map(function (path) {
        return pagefind.mergeIndex(new URL(path, root).pathname, { baseUrl: root.pathname });
      }));
    }).then(function () { return pagefind; });
  });
  var latest = 0;

  var PAGE = 10;

  function item(data) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.className = "registre-recherche__lien";
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    li.append(link);
    if (data.meta.objet) {
      var objet = document.createElement("p");
      objet.className = "registre-recherche__objet";
      objet.textContent = data.meta.objet;
      li.append(objet);
    }
    var excerpt = document.createElement("p");
    // Pagefind's excerpt is the page's text, escaped, with the matches in <mark>
    excerpt.innerHTML = data.excerpt;
    li.append(excerpt);
    return li;
  }

  function show(query, found, mine) {
    var total = found.results.length;
    var shown = 0;
    var more = document.createElement("button");
    more.type = "button";
    more.className = "md-button registre-recherche__plus";
    function next() {
      var page = found.results.slice(shown, shown + PAGE);
      return Promise.all(page.map(function (r) { return r.data(); })).then(function (data) {
        if (mine !== latest) return;
        data.forEach(function (d) { list.append(item(d)); });
        shown += data.length;
        status.textContent = total
          ? total + (total > 1 ? " résultats" : " résultat") + " pour « " + query + " »" +
            (total > shown ? " ; " + shown + " affichés" : "")
          : "Aucun résultat pour « " + query + " ».";
        more.textContent = "Afficher " + Math.min(PAGE, total - shown) + " résultats de plus";
        if (shown < total) list.after(more); else more.remove();
      });
    }
    more.addEventListener("click", next);
    list.replaceChildren();
    target.querySelectorAll(".registre-recherche__plus").forEach(function (b) { b.remove(); });
    return next();
  }

  function search(query) {
    var mine = ++latest;
    if (!query.trim()) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    engine
      .then(function (pagefind) { return pagefind.debouncedSearch(query, {}, 250); })
      .then(function (found) {
        if (found && mine === latest) return show(query, found, mine);
        return null;
      })
      .catch(function () {
        status.textContent = "La recherche n'a pas pu être chargée.";
      });
  }

  target.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value);
  });
  input.addEventListener("input", function () { search(input.value); });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  }
})();
