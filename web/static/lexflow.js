/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // After a post with errors, take the reader to the summary of what to correct.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // A diagram larger than its frame opens on the current step, or whole when no step is
  // current (a closed case); a button switches between the two.
  document.querySelectorAll(".diagram").forEach(function (frame) {
    var svg = frame.querySelector("svg");
    if (!svg) { return; }
    var toggle = document.querySelector("[data-diagram-fit]");
    function show(fit) {
      frame.classList.toggle("fit", fit);
      if (toggle) {
        toggle.textContent = fit ? toggle.dataset.zoomText : toggle.dataset.fitText;
        toggle.setAttribute("aria-pressed", fit ? "true" : "false");
      }
    }
    var step = svg.querySelector(".current") || svg.querySelector(".late");
    show(!step);
    if (step) {
      var s = step.getBoundingClientRect(), f = frame.getBoundingClientRect();
      frame.scrollLeft += s.left - f.left - (f.width - s.width) / 2;
      frame.scrollTop += s.top - f.top - (f.height - s.height) / 2;
    }
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () { show(!frame.classList.contains("fit")); });
    }
  });
})();
