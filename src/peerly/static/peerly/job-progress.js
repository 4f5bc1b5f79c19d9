/* Progress of a background job (templates/core/job_detail.html): polls the job's JSON every
   second and updates the page in place; when the job is done, goes to the page again, which
   sends the organiser on to the result. Without JavaScript the page reloads itself with
   <meta http-equiv="refresh"> instead. Loaded with <script src defer>: the CSP allows no
   inline script. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (!refresh) return; // finished already: nothing to watch
  refresh.parentNode.removeChild(refresh); // fetch takes over from the reloads
  var statusUrl = box.dataset.statusUrl, pageUrl = box.dataset.pageUrl;
  var status = document.getElementById("job-status"), stage = document.getElementById("job-stage");
  var bar = document.getElementById("job-bar"), count = document.getElementById("job-count");
  function show(state) {
    status.textContent = state.status_label;
    stage.textContent = state.stage;
    if (state.percent !== null) {
      bar.value = state.percent;
      bar.textContent = state.percent + " %";
    }
    count.textContent = state.total ? state.done + " " + (box.dataset.of || "of") + " " + state.total : "";
  }
  function poll() {
    fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.location.assign(pageUrl); // the page shows the error, or redirects on
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000); // a hiccup: try again, a little later
      });
  }
  window.setTimeout(poll, 500);
})();
