// tousu — progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  // Import job page: poll the job's status and update the bar and summary in place.
  var job = document.getElementById("job");
  if (job && job.dataset.state === "running") {
    var id = job.dataset.job;
    var timer = setInterval(function () {
      fetch("/import/jobs/" + encodeURIComponent(id) + "/status", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j) { return; }
          var bar = document.getElementById("job-progress");
          if (bar) { bar.max = Math.max(j.total, 1); bar.value = j.position; }
          if (j.state !== "running") { clearInterval(timer); window.location.reload(); }
        })
        .catch(function () { /* keep polling */ });
    }, 700);
  }
  // Queue filters: submitting drops empty fields so that URLs stay short and shareable.
  var filters = document.getElementById("filters");
  if (filters) {
    filters.addEventListener("submit", function () {
      Array.prototype.forEach.call(filters.elements, function (el) {
        if (el.name && !el.value) { el.disabled = true; }
      });
    });
  }
})();
