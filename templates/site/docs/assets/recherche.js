// The search page: a small interface on Pagefind's own API (pagefind.js, served by the site
// itself, no CDN), in the theme's look. Pagefind and its index load only when this page is
// opened, and only the index fragments a query needs. The index is one bundle per year (a
// large earlier year's in parts), and one for the élus. The primary one (pagefind/) is the
// latest year's, with the years before it when they are small; data-index lists the others,
// the most recent first, and the élus.
// A query searches the élus and the latest year, and reaches further back, a year at a time,
// only while fewer results than the page shows have been found: every bundle searched costs
// one index chunk per word, so searching the whole archive at once would load ten times what
// a first search needs. When the years read so far found nothing, it asks the vocabulary (a
// small bundle of one page per year, its words) which years hold the query's words, and reads
// only those: a word found nowhere costs one chunk of the vocabulary, not one of every year.
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
  var bundles = (target.dataset.index || "").split(" ").filter(Boolean);
  // a year's bundle (pagefind-2024/), or a part of a large year's (pagefind-2024-2/)
  var YEAR = /(\d{4})(-\d+)?\/$/;
  var years = bundles.filter(function (path) { return YEAR.test(path); });
  var always = bundles.filter(function (path) { return years.indexOf(path) < 0; });
  // the oldest year searched so far (the primary bundle's at first), and how many were added
  var since = target.dataset.annee || "";
  var added = 0;
  // After an edit, the pages it changed are indexed alone, in a small bundle merged beside
  // their year's ("overlays"), and the year's results for them are hidden ("stale").
  var modifs = {};
  var stale = {};
  // The vocabulary: its bundle ("index"), and the year each of its pages stands for, by id
  // ("ids"); null when the build could not make it (every year is then read).
  var mots = null;
  var engine = Promise.all([
    import(new URL("pagefind/pagefind.js", root).href),
    fetch(new URL("pagefind/registre-modifs.json", root)).then(function (response) {
      if (!response.ok) throw new Error(response.statusText);
      return response.json();
    }),
  ]).then(function (loaded) {
    var pagefind = loaded[0];
    modifs = loaded[1].overlays;
    mots = loaded[1].mots;
    loaded[1].stale.forEach(function (id) { stale[id] = true; });
    return pagefind.options({ baseUrl: root.pathname }).then(function () {
      var first = always.map(function (path) { return merge(pagefind, path); });
      if (modifs["pagefind/"]) first.push(merge(pagefind, modifs["pagefind/"]));
      return Promise.all(first);
    }).then(function () { return pagefind; });
  });
  var latest = 0;

  var PAGE = 10;

  function merge(pagefind, path) {
    var options = { baseUrl: root.pathname };
    return pagefind.mergeIndex(new URL(path, root).pathname, options).then(function () {
      if (modifs[path]) {
        return pagefind.mergeIndex(new URL(modifs[path], root).pathname, options);
      }
      return null;
    });
  }

  // A result, told apart from the others: Pagefind's ids are short hashes, unique within a
  // bundle only, and a page that an edit did not change for the search has the same id and
  // the same matches in the overlay as in its year's bundle (it is then shown once).
  function key(result) {
    return result.id + " " + result.words.join(",");
  }

  // The results of ``query`` in the years searched so far (each page once, as it is now),
  // and how many years that was.
  function find(pagefind, query) {
    var at = added;
    return pagefind.search(query).then(function (found) {
      var seen = {};
      var results = found.results.filter(function (r) {
        var keep = !stale[r.id] && !(mots && mots.ids[r.id]) && !seen[key(r)];
        seen[key(r)] = true;
        return keep;
      });
      return { results: results, at: at };
    });
  }

  // The years not searched yet that hold the words of ``query``, from the most recent: those
  // of the vocabulary's pages the query finds (asked once a query), or all of them without
  // a vocabulary.
  var vocabulary = null;
  var holding = {};
  function candidates(pagefind, query) {
    if (!mots) return Promise.resolve(years.slice());
    if (!vocabulary) vocabulary = merge(pagefind, mots.index);
    if (!holding[query]) {
      holding[query] = vocabulary.then(function () {
        return pagefind.search(query);
      }).then(function (found) {
        var held = {};
        found.results.forEach(function (r) {
          if (mots.ids[r.id] && !stale[r.id]) held[mots.ids[r.id]] = true;
        });
        return held;
      });
    }
    return holding[query].then(function (held) {
      return years.filter(function (path) { return held[path]; });
    });
  }

  // Search further back, a year at a time, until ``wanted`` results are found or every year
  // that may hold the query has been searched (``found`` is searched again if another query
  // added years meanwhile). The vocabulary is asked which years may hold it once the years
  // read so far found nothing (``dry``: the last one added no result): a query found in every
  // year fills the page from the latest ones without it. ``found.left``: how many years that
  // may hold the query are left, once the vocabulary was asked.
  function enough(pagefind, query, wanted, found, dry) {
    if (found.at < added) return find(pagefind, query).then(function (again) {
      return enough(pagefind, query, wanted, again, dry);
    });
    var ask = !!holding[query] || dry || !found.results.length;
    if (found.results.length >= wanted && !holding[query]) return Promise.resolve(found);
    var next = ask ? candidates(pagefind, query) : Promise.resolve(years.slice());
    return next.then(function (left) {
      if (ask) found.left = left.length;
      if (found.results.length >= wanted || !left.length) return found;
      var path = left[0];
      var before = found.results.length;
      years.splice(years.indexOf(path), 1);
      return merge(pagefind, path).then(function () {
        var year = path.match(YEAR)[1];
        if (!since || year < since) since = year;  // (two queries may merge years at once)
        added += 1;
        return find(pagefind, query);
      }).then(function (more) {
        return enough(pagefind, query, wanted, more, more.results.length === before);
      });
    });
  }

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

  function show(pagefind, query, mine) {
    var shown = {};
    var count = 0;
    var found = { results: [], at: -1 };
    var more = document.createElement("button");
    more.type = "button";
    more.className = "md-button registre-recherche__plus";
    function describe() {
      var total = found.results.length;
      // years not searched yet that may hold the query (all of them, until the vocabulary
      // was asked)
      var older = found.left === undefined ? years.length > 0 : found.left > 0;
      var text = total
        ? total + (total > 1 ? " résultats" : " résultat") + " pour « " + query + " »"
        : "Aucun résultat pour « " + query + " »";
      if (older) text += " depuis " + since;
      if (total > count) text += " ; " + count + " affichés";
      status.textContent = text + (total ? "" : ".");
      var left = Math.min(PAGE, total - count);
      more.textContent = older
        ? "Afficher plus de résultats"
        : "Afficher " + left + (left > 1 ? " résultats de plus" : " résultat de plus");
      if (total > count || older) list.after(more); else more.remove();
    }
    function next() {
      return enough(pagefind, query, count + PAGE, found).then(function (all) {
        found = all;
        var page = found.results.filter(function (r) { return !shown[key(r)]; }).slice(0, PAGE);
        page.forEach(function (r) { shown[key(r)] = true; });
        return Promise.all(page.map(function (r) { return r.data(); }));
      }).then(function (data) {
        if (mine !== latest) return;
        data.forEach(function (d) { list.append(item(d)); });
        count += data.length;
        describe();
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
      .then(function (pagefind) {
        // typing: wait for a pause before searching
        return new Promise(function (done) { setTimeout(done, 250); }).then(function () {
          if (mine === latest) return show(pagefind, query, mine);
          return null;
        });
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
