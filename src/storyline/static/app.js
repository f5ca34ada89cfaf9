// storyline web UI: our own script, no third-party code. Progressive: every page works without it.
(function () {
  "use strict";
  function landOnHash() {
    document.querySelectorAll("mark.landed").forEach(function (m) { m.classList.remove("landed"); });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (el && el.tagName === "MARK") {
      el.classList.add("landed");
      el.scrollIntoView({ block: "center" });
      activate(el.getAttribute("data-ref"));
    }
  }
  function activate(ref) {
    document.querySelectorAll(".rec.active").forEach(function (r) { r.classList.remove("active"); });
    var rec = ref && document.getElementById(ref);
    if (rec) { rec.classList.add("active"); rec.scrollIntoView({ block: "nearest" }); }
  }
  document.addEventListener("click", function (ev) {
    var m = ev.target.closest && ev.target.closest("mark.hl");
    if (m && !ev.target.closest("a")) { activate(m.getAttribute("data-ref")); }
  });
  window.addEventListener("hashchange", landOnHash);
  if (document.readyState !== "loading") landOnHash(); else document.addEventListener("DOMContentLoaded", landOnHash);
})();
